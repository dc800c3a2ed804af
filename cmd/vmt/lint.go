package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/internal/udiff"
	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
)

// lintFlags are the options of `vmt lint`.
type lintFlags struct {
	machineFlags
	format    string
	fix, diff bool
	strict    bool
	explain   string
	listRules bool
}

func init() {
	var flags lintFlags
	cmd := &cobra.Command{
		Use:   "lint [flags] FILE|DIR|-...",
		Short: "Check test scripts before any VM boots",
		Long: `vmt lint checks Starlark test scripts against the script API: syntax, Python
habits (f-strings, with, assert, import, ...), undefined names, unknown machine
methods, wrong arguments (also to the script's own functions), invalid regular
expressions and % formats, deprecated names, unused variables, unreachable code
and more. Its errors are exactly what vmt run refuses before booting.

A directory is searched for *.star files (skipping hidden directories and
testdata); "-" reads standard input. Machine names come from --machines, else
from --start-scripts (or the startScripts environment variable, run-NAME-vm),
else from a "# vmt: machines=a,b" comment in the script; machines the script
declares with create_machine("name") are always added.

"# vmt: disable=RULE" at the end of a line silences RULE there; on a line of
its own it silences the next line, or the whole file before the first
statement. vmt lint --list-rules lists the rules, --explain RULE documents one.

Exit status: 0 clean (warnings alone included, unless --strict), 1 errors
found, 2 usage or I/O error. With --diff: 1 when there is something to fix.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(cmd, args, flags)
		},
	}
	f := cmd.Flags()
	flags.machineFlags.add(f)
	f.StringVar(&flags.format, "format", "text", "output format: text, json or sarif")
	f.BoolVar(&flags.fix, "fix", false, "apply safe fixes (deprecated names, Python habits) to the files")
	f.BoolVar(&flags.diff, "diff", false, "print the safe fixes as a unified diff instead of writing them")
	f.BoolVar(&flags.strict, "strict", false, "exit 1 on warnings too")
	f.StringVar(&flags.explain, "explain", "", "print the documentation of a rule and exit")
	f.BoolVar(&flags.listRules, "list-rules", false, "list the rules with their severity and exit")
	root.AddCommand(cmd)
}

func runLint(cmd *cobra.Command, args []string, flags lintFlags) error {
	out := cmd.OutOrStdout()
	if flags.explain != "" {
		return explainRule(out, flags.explain)
	}
	if flags.listRules {
		for _, r := range lint.Rules() {
			fmt.Fprintf(out, "%-18s %-8s %s\n", r.Name, r.Severity, lang.Summary(r.Doc))
		}
		return nil
	}
	if len(args) == 0 {
		return &exitError{exitUsage, errors.New("lint needs a FILE, DIR or - (vmt lint --help)")}
	}
	if !slices.Contains(lint.Formats, flags.format) {
		return &exitError{exitUsage, fmt.Errorf("unknown --format %q: use %s", flags.format, strings.Join(lint.Formats, ", "))}
	}
	if flags.fix && flags.diff {
		return &exitError{exitUsage, errors.New("--fix and --diff exclude each other: --diff shows what --fix would write")}
	}

	cfg := lint.Config{Machines: flags.names()}
	inputs, ioErrs := expandInputs(args)
	var results []lint.Result
	pendingFixes := false
	for _, in := range inputs {
		src, err := in.read(cmd.InOrStdin())
		if err != nil {
			ioErrs = append(ioErrs, err)
			continue
		}
		findings := lint.File(in.name, src, cfg)
		if flags.fix || flags.diff {
			fixed, n := lint.FixAll(in.name, src, cfg)
			if n > 0 {
				pendingFixes = true
				if flags.diff {
					oldName, newName := in.name, in.name
					if !filepath.IsAbs(in.name) && !in.stdin() {
						oldName, newName = "a/"+in.name, "b/"+in.name // patch -p1 applies it
					}
					fmt.Fprint(out, udiff.Diff(oldName, newName, string(src), string(fixed)))
					continue
				}
				if err := in.write(out, fixed); err != nil {
					ioErrs = append(ioErrs, err)
					continue
				}
				src, findings = fixed, lint.File(in.name, fixed, cfg)
			} else if in.stdin() && flags.fix {
				// A filter always echoes its input.
				if _, err := out.Write(src); err != nil {
					ioErrs = append(ioErrs, err)
				}
			}
			if flags.diff {
				continue
			}
		}
		results = append(results, lint.Result{Name: in.name, Src: src, Findings: findings})
	}

	if !flags.diff {
		report := out
		if flags.fix && hasStdin(inputs) {
			report = cmd.ErrOrStderr() // stdout carries the fixed script
		}
		if err := lint.Write(report, flags.format, results); err != nil {
			ioErrs = append(ioErrs, err)
		}
	}
	for _, err := range ioErrs {
		fmt.Fprintln(cmd.ErrOrStderr(), "vmt lint:", err)
	}
	switch {
	case len(ioErrs) > 0:
		return &exitError{exitUsage, nil}
	case flags.diff && pendingFixes:
		return &exitError{exitFailed, nil}
	case !flags.diff && lint.Failing(results, flags.strict):
		return &exitError{exitFailed, nil}
	}
	return nil
}

func explainRule(out io.Writer, name string) error {
	r := lint.RuleByName(name)
	if r == nil {
		return &exitError{exitUsage, fmt.Errorf("%s (the rules: %s)", lint.UnknownRule(name), strings.Join(lint.RuleNames(), ", "))}
	}
	fmt.Fprintf(out, "%s (%s)\n\n%s\n", r.Name, r.Severity, r.Doc)
	return nil
}

// lintInput is a file to lint, or standard input.
type lintInput struct {
	name string
	path string // "" for standard input
}

func (in lintInput) stdin() bool { return in.path == "" }

func (in lintInput) read(stdin io.Reader) ([]byte, error) {
	if in.stdin() {
		src, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return src, nil
	}
	src, err := os.ReadFile(in.path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w (check the path)", in.path, err)
	}
	return src, nil
}

// write stores a fixed script: in place for a file, to stdout for stdin.
func (in lintInput) write(stdout io.Writer, data []byte) error {
	if in.stdin() {
		_, err := stdout.Write(data)
		return err
	}
	info, err := os.Stat(in.path)
	if err != nil {
		return fmt.Errorf("writing fixes to %s: %w", in.path, err)
	}
	if err := os.WriteFile(in.path, data, info.Mode().Perm()); err != nil {
		return fmt.Errorf("writing fixes to %s: %w (is it writable?)", in.path, err)
	}
	return nil
}

func hasStdin(inputs []lintInput) bool {
	for _, in := range inputs {
		if in.stdin() {
			return true
		}
	}
	return false
}

// expandInputs turns the arguments into files: directories are searched
// for *.star files, skipping hidden directories and testdata (which holds
// deliberately broken scripts).
func expandInputs(args []string) ([]lintInput, []error) {
	var inputs []lintInput
	var errs []error
	for _, arg := range args {
		if arg == "-" {
			inputs = append(inputs, lintInput{name: "<stdin>"})
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w (check the path)", err))
			continue
		}
		if !info.IsDir() {
			inputs = append(inputs, lintInput{name: arg, path: arg})
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != arg && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".star") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("searching %s: %w", arg, err))
		}
		sort.Strings(found)
		for _, path := range found {
			inputs = append(inputs, lintInput{name: path, path: path})
		}
	}
	return inputs, errs
}
