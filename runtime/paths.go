package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// scriptDir is the directory relative host paths of a script are read
// against: the script's own, so that a test runs the same from any working
// directory. Without a script file (the REPL alone) it is the working
// directory.
func scriptDir(script string) string {
	if fi, err := os.Stat(script); err == nil && fi.Mode().IsRegular() {
		if dir, err := filepath.Abs(filepath.Dir(script)); err == nil {
			return dir
		}
	}
	dir, _ := os.Getwd()
	return dir
}

// hostPath resolves a host path the script gives against the script's
// directory; absolute paths and "" stay as they are.
func (d *driver) hostPath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.scriptDir, p)
}

// hostPathError explains why a host path the script gave cannot be read;
// a relative path that does not exist gets a word on where it was looked
// for.
func (d *driver) hostPathError(fn, p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) && !filepath.IsAbs(p) {
		return fmt.Errorf("%s: %w (relative host paths are read from the script's directory, %s)", fn, err, d.scriptDir)
	}
	return fmt.Errorf("%s: %w", fn, err)
}

// resolveDeclaration resolves the host paths of a create_machine
// declaration (kernel, initrd, disk image, shared directory sources)
// against the script's directory.
func (d *driver) resolveDeclaration(decl *Declaration) {
	decl.Kernel = d.hostPath(decl.Kernel)
	decl.Initrd = d.hostPath(decl.Initrd)
	decl.DiskImage = d.hostPath(decl.DiskImage)
	for i := range decl.SharedDirs {
		decl.SharedDirs[i].HostPath = d.hostPath(decl.SharedDirs[i].HostPath)
	}
}

// outputName turns a path the script gives for a file in the output
// directory into one relative to it. A relative path stays below the
// output directory; an absolute one is accepted only when it lies inside
// it. Anything else is refused, with example as a name that would do, so
// that nothing a script or a guest names is written elsewhere (os.Root,
// used to write, also refuses symbolic links that lead out).
func (d *driver) outputName(fn, name, example string) (string, error) {
	rel := name
	if filepath.IsAbs(name) {
		out, err := filepath.Abs(d.opts.OutputDir)
		if err != nil {
			return "", fmt.Errorf("%s: output directory: %w", fn, err)
		}
		if rel, err = filepath.Rel(out, name); err != nil {
			rel = ".."
		}
	}
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s: %q is not inside the output directory %s: give a path relative to it, such as %q",
			fn, name, d.opts.OutputDir, example)
	}
	return filepath.Clean(rel), nil
}

// saveOutput copies file name of directory dir to rel in the output
// directory, making the directories on the way.
func (d *driver) saveOutput(dir, name, rel string) error {
	from, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer from.Close()
	out, err := os.OpenRoot(d.opts.OutputDir)
	if err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	defer out.Close()
	if err := out.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return err
	}
	return copyFile(from, name, out, rel, 0o644)
}
