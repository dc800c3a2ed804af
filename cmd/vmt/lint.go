package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	switch flags.format {
	case "text", "json", "sarif":
	default:
		return &exitError{exitUsage, fmt.Errorf("unknown --format %q: use text, json or sarif", flags.format)}
	}
	if flags.fix && flags.diff {
		return &exitError{exitUsage, errors.New("--fix and --diff exclude each other: --diff shows what --fix would write")}
	}

	cfg := lint.Config{Machines: flags.names()}
	inputs, ioErrs := expandInputs(args)
	var results []fileResult
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
		results = append(results, fileResult{name: in.name, src: src, findings: findings})
	}

	if !flags.diff {
		report := out
		if flags.fix && hasStdin(inputs) {
			report = cmd.ErrOrStderr() // stdout carries the fixed script
		}
		if err := writeFindings(report, flags.format, results); err != nil {
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
	case !flags.diff && failing(results, flags.strict):
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

// fileResult is what linting one file produced.
type fileResult struct {
	name     string
	src      []byte
	findings []lint.Finding
}

func failing(results []fileResult, strict bool) bool {
	for _, r := range results {
		for _, f := range r.findings {
			if f.Severity == lint.Error || (strict && f.Severity == lint.Warning) {
				return true
			}
		}
	}
	return false
}

func writeFindings(w io.Writer, format string, results []fileResult) error {
	switch format {
	case "json":
		return writeJSON(w, results)
	case "sarif":
		return writeSARIF(w, results)
	}
	return writeText(w, results)
}

// writeText prints each finding as file:line:col: severity: rule: message,
// then the source line and a caret under the reported span.
func writeText(w io.Writer, results []fileResult) error {
	for _, r := range results {
		lines := strings.Split(string(r.src), "\n")
		for _, f := range r.findings {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s: %s\n", r.name, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message); err != nil {
				return err
			}
			if f.Pos.Line-1 < len(lines) {
				line := strings.TrimRight(lines[f.Pos.Line-1], "\r")
				fmt.Fprintf(w, "    %s\n    %s\n", line, caret(line, f))
			}
		}
	}
	return nil
}

// caret underlines the finding's span on its first line, keeping tabs so
// the marker lines up with the source.
func caret(line string, f lint.Finding) string {
	var b strings.Builder
	runes := []rune(line)
	for i := 0; i < f.Pos.Col-1 && i < len(runes); i++ {
		if runes[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	end := len(runes) + 1
	if f.End.Line == f.Pos.Line {
		end = min(f.End.Col, end)
	}
	for i := f.Pos.Col + 1; i < end; i++ {
		b.WriteByte('~')
	}
	return b.String()
}

// jsonFinding is one finding of --format=json (schema in docs/lint.md).
type jsonFinding struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Severity  string   `json:"severity"`
	Rule      string   `json:"rule"`
	Message   string   `json:"message"`
	Fix       *jsonFix `json:"fix,omitempty"`
}

type jsonFix struct {
	Edits []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	NewText   string `json:"new_text"`
}

func writeJSON(w io.Writer, results []fileResult) error {
	doc := struct {
		Version  int           `json:"version"`
		Findings []jsonFinding `json:"findings"`
	}{Version: 1, Findings: []jsonFinding{}}
	for _, r := range results {
		for _, f := range r.findings {
			jf := jsonFinding{
				File: r.name, Line: f.Pos.Line, Column: f.Pos.Col, EndLine: f.End.Line, EndColumn: f.End.Col,
				Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
			}
			if f.Fix != nil {
				jf.Fix = &jsonFix{}
				for _, e := range f.Fix.Edits {
					jf.Fix.Edits = append(jf.Fix.Edits, jsonEdit{e.Pos.Line, e.Pos.Col, e.End.Line, e.End.Col, e.New})
				}
			}
			doc.Findings = append(doc.Findings, jf)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
