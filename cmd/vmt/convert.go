package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/convert"
)

// convertFlags are the options of `vmt convert`.
type convertFlags struct {
	write, check bool
}

func init() {
	var flags convertFlags
	cmd := &cobra.Command{
		Use:   "convert [flags] FILE.py|FILE.nix|-...",
		Short: "Convert NixOS Python test scripts to vmt scripts",
		Long: `vmt convert turns a NixOS test script written in Python into a vmt script.

A .py file (or "-", standard input) is converted to standard output, or with
-w to FILE.star beside it. In a .nix file the Python of the testScript
indented string is converted, every ${...} splice kept as it is, and the whole
Nix file printed, or rewritten in place with -w.

What Starlark lacks is rewritten: f-strings become str.format calls, with
subtest(...) blocks become subtest(name) sections, assert becomes
assert_true/assert_eq/assert_in, raise becomes fail, imports of predeclared
modules go, "is" becomes ==, annotations go, adjacent strings are joined
with +. What has no vmt equivalent keeps its line with a "# vmt convert: ..."
comment that says what to do; a summary on standard error counts both.

Exit status: 0 converted, 1 with --check when a file has lines left to do
by hand, 2 usage error, or a file that cannot be read or converted (Python
that does not parse, a Nix file without a testScript string).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConvert(cmd, args, flags)
		},
	}
	cmd.Flags().BoolVarP(&flags.write, "write", "w", false, "write the result: FILE.star for FILE.py, the .nix file in place")
	cmd.Flags().BoolVar(&flags.check, "check", false, "print only the summary, and exit 1 when anything is left to do by hand")
	root.AddCommand(cmd)
}

func runConvert(cmd *cobra.Command, args []string, flags convertFlags) error {
	if len(args) == 0 {
		return &exitError{exitUsage, errors.New("convert needs a FILE.py, FILE.nix or - (vmt convert --help)")}
	}
	if flags.write && flags.check {
		return &exitError{exitUsage, errors.New("--check writes nothing: give -w or --check, not both")}
	}
	left := false
	for _, path := range args {
		r, err := convertFile(cmd.InOrStdin(), path)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		name := path
		if path == "-" {
			name = "<stdin>"
		}
		fmt.Fprint(cmd.ErrOrStderr(), r.Summary(name))
		left = left || len(r.Left) > 0
		switch {
		case flags.check:
		case flags.write:
			if err := writeConverted(cmd, path, r.Output); err != nil {
				return &exitError{exitUsage, err}
			}
		default:
			fmt.Fprint(cmd.OutOrStdout(), r.Output)
		}
	}
	if flags.check && left {
		return &exitError{exitFailed, nil}
	}
	return nil
}

// convertFile reads and converts one file, as Nix when it ends in .nix.
func convertFile(stdin io.Reader, path string) (convert.Result, error) {
	var src []byte
	var err error
	if path == "-" {
		src, err = io.ReadAll(stdin)
	} else {
		src, err = os.ReadFile(path)
	}
	if err != nil {
		return convert.Result{}, err
	}
	var r convert.Result
	if strings.HasSuffix(path, ".nix") {
		r, err = convert.Nix(string(src))
	} else {
		r, err = convert.Python(string(src))
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// writeConverted writes a converted file: a Nix file in place, a Python
// script to FILE.star beside it, never over an existing file.
func writeConverted(cmd *cobra.Command, path, output string) error {
	if path == "-" {
		return errors.New("-w needs a file, not standard input")
	}
	if strings.HasSuffix(path, ".nix") {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		return os.WriteFile(path, []byte(output), fi.Mode().Perm())
	}
	dest := strings.TrimSuffix(path, filepath.Ext(path)) + ".star"
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists: remove it or move it away first, vmt convert does not overwrite it", dest)
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString(output); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", dest)
	return nil
}
