package suite

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Test is one script of a suite.
type Test struct {
	// Name is the script's slash-separated path below the argument it
	// came from (a file given by itself: its base name). It names the
	// test in reports, keys its shard and its output directory.
	Name string
	// Path is the script as the user's arguments lead to it.
	Path string
}

// Found says what one argument yielded, so that nothing is skipped
// silently.
type Found struct {
	Arg   string
	Dir   bool // the argument is a directory searched for *.star files
	Count int
}

// Discover turns arguments into tests: a file is one test, a directory is
// every *.star file below it, recursively, sorted by name. An argument
// that does not exist, a directory without scripts and two different
// scripts that would get the same name are errors.
func Discover(args []string) ([]Test, []Found, error) {
	var tests []Test
	var found []Found
	byName := map[string]string{}
	seen := map[string]bool{}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, nil, fmt.Errorf("test %s: %w", arg, err)
		}
		var batch []Test
		if fi.IsDir() {
			if batch, err = scriptsIn(arg); err != nil {
				return nil, nil, err
			}
			if len(batch) == 0 {
				return nil, nil, fmt.Errorf("directory %s holds no *.star file: give the scripts' directory or the scripts themselves", arg)
			}
		} else {
			batch = []Test{{Name: filepath.Base(arg), Path: arg}}
		}
		found = append(found, Found{Arg: arg, Dir: fi.IsDir(), Count: len(batch)})
		for _, t := range batch {
			abs, err := filepath.Abs(t.Path)
			if err != nil {
				return nil, nil, fmt.Errorf("test %s: %w", t.Path, err)
			}
			if seen[abs] {
				continue // given twice (itself and its directory): run once
			}
			seen[abs] = true
			if other, dup := byName[t.Name]; dup {
				return nil, nil, fmt.Errorf("tests %s and %s would both be named %s (and share an output directory): give their common parent directory instead, or run them separately", other, t.Path, t.Name)
			}
			byName[t.Name] = t.Path
			tests = append(tests, t)
		}
	}
	return tests, found, nil
}

// scriptsIn returns the *.star files below dir, named by their path
// relative to dir, sorted.
func scriptsIn(dir string) ([]Test, error) {
	var tests []Test
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("searching %s for tests: %w", dir, err)
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".star") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link to a script is a script; a dangling one is an error.
			fi, err := os.Stat(path)
			if err != nil {
				return fmt.Errorf("test %s: %w", path, err)
			}
			if fi.IsDir() {
				return nil
			}
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		tests = append(tests, Test{Name: filepath.ToSlash(rel), Path: path})
		return nil
	})
	sort.Slice(tests, func(i, j int) bool { return tests[i].Name < tests[j].Name })
	return tests, err
}
