package lsp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/internal/testcases"
)

// Feature cases live in testdata/*.star, split into cases by lines holding
// only "---", the go.starlark.net way (package internal/testcases). Each
// case marks the cursor with @@ and writes what the server must answer on
// the same line after ###:
//
//	machine.wa@@  ### +wait_for_unit -succeed
//
// The expectation is removed from the document before it is opened. Its
// words are a feature's checks; "quoted strings" may hold spaces.

const cursorMarker = "@@"

type featureCase struct {
	name   string // file:line of the cursor, for failure messages
	text   string
	pos    protocol.Position
	expect []string
}

func loadCases(t *testing.T, path string) []featureCase {
	t.Helper()
	var cases []featureCase
	for _, c := range testcases.Read(t, path) {
		cases = append(cases, parseCase(t, c))
	}
	return cases
}

// parseCase finds the cursor and its expectation, the one of the case.
func parseCase(t *testing.T, c testcases.Case) featureCase {
	t.Helper()
	exps := c.Expectations()
	if len(exps) != 1 {
		t.Fatalf("%s: a case has one expectation, on the cursor's line; this one has %d", c.Where(1), len(exps))
	}
	exp := exps[0]
	lines := slices.Clone(c.Lines)
	line := lines[exp.Line-1]
	col := strings.Index(line, cursorMarker)
	if col < 0 || col > exp.Col || strings.Count(c.Text(), cursorMarker) != 1 {
		t.Fatalf("%s: a case has one cursor marker %s, before the %s on its line", c.Where(exp.Line), cursorMarker, testcases.Marker)
	}
	fc := featureCase{name: c.Where(exp.Line)}
	fc.expect = splitWords(t, fc.name, exp.Text)
	line = strings.TrimRight(line[:exp.Col], " ")
	lines[exp.Line-1] = line[:col] + line[col+len(cursorMarker):]
	fc.pos = protocol.Position{Line: protocol.UInteger(exp.Line - 1), Character: protocol.UInteger(utf16Count(line[:col]))}
	fc.text = strings.Join(lines, "\n") + "\n"
	return fc
}

// splitWords splits an expectation into words; "..." is one Go-quoted word.
func splitWords(t *testing.T, where, s string) []string {
	var words []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		end := strings.IndexAny(s, " \t")
		if q := strings.IndexByte(s, '"'); q >= 0 && (end < 0 || q < end) {
			// A quoted part runs to its closing quote.
			prefix, rest := s[:q], s[q:]
			quoted, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("%s: bad quoted expectation %s: %v", where, rest, err)
			}
			unquoted, _ := strconv.Unquote(quoted)
			words = append(words, prefix+unquoted)
			s = rest[len(quoted):]
			continue
		}
		if end < 0 {
			end = len(s)
		}
		words = append(words, s[:end])
		s = s[end:]
	}
	return words
}

// caseURI gives each case its own document.
func caseURI(i int) string { return fmt.Sprintf("file:///tests/case%d.star", i) }
