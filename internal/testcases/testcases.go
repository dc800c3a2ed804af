package testcases

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	// Separator is the line between two cases.
	Separator = "---"
	// Marker starts an expectation; a line may hold several.
	Marker = "###"
)

// Case is one case of a file.
type Case struct {
	File string
	// Line is the file's line number of the case's first line.
	Line int
	// Lines are the case's lines, without their line ends.
	Lines []string
	// fileLines is how many lines the file has, for InFile.
	fileLines int
}

// Expectation is what a line of a case expects.
type Expectation struct {
	Line int // the line in the case, from 1
	Col  int // the byte offset of the Marker in the line
	// Text follows the Marker up to the next one or the end of the line,
	// without surrounding spaces.
	Text string
}

// Split splits a file's content into its cases, in order. A case between
// two adjacent separators has no lines and is kept, so that it is not lost
// silently: a harness fails on it.
func Split(file, data string) []Case {
	lines := strings.Split(data, "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the end of the last line
	}
	var cases []Case
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && strings.TrimSpace(lines[i]) != Separator {
			continue
		}
		cases = append(cases, Case{File: file, Line: start + 1, Lines: lines[start:i:i], fileLines: len(lines)})
		start = i + 1
	}
	return cases
}

// Read splits a file into its cases; it fails the test when the file
// cannot be read or holds nothing.
func Read(tb testing.TB, file string) []Case {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("reading test cases: %v", err)
	}
	if strings.TrimSpace(string(data)) == "" {
		tb.Fatalf("%s holds no test case", file)
	}
	return Split(file, string(data))
}

// Load reads the cases of every file matching pattern, file by file in
// lexical order; it fails the test when no file matches, so that a harness
// never passes on zero cases.
func Load(tb testing.TB, pattern string) []Case {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		tb.Fatalf("no test case file matches %s (%v)", pattern, err)
	}
	var cases []Case
	for _, file := range files {
		cases = append(cases, Read(tb, file)...)
	}
	return cases
}

// Text is the case alone, each line ending with a newline; its line 1 is
// the case's first line.
func (c Case) Text() string {
	if len(c.Lines) == 0 {
		return ""
	}
	return strings.Join(c.Lines, "\n") + "\n"
}

// InFile is the whole file with every line outside the case blank, so that
// positions in it are the file's.
func (c Case) InFile() string {
	lines := make([]string, c.fileLines)
	copy(lines[c.Line-1:], c.Lines)
	return strings.Join(lines, "\n") + "\n"
}

// Where names a line of the case (from 1) as file:line, the file's line.
func (c Case) Where(line int) string {
	return fmt.Sprintf("%s:%d", c.File, c.Line+line-1)
}

// Expectations returns the expectations of the case, line by line and
// left to right.
func (c Case) Expectations() []Expectation {
	var exps []Expectation
	for i, line := range c.Lines {
		col := strings.Index(line, Marker)
		for col >= 0 {
			rest := line[col+len(Marker):]
			next := strings.Index(rest, Marker)
			text := rest
			if next >= 0 {
				text = rest[:next]
			}
			exps = append(exps, Expectation{Line: i + 1, Col: col, Text: strings.TrimSpace(text)})
			if next < 0 {
				break
			}
			col += len(Marker) + next
		}
	}
	return exps
}
