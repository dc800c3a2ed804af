package lsp

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Feature cases live in testdata/*.star, split into cases by lines holding
// only "---", the go.starlark.net way. Each case marks the cursor with @@
// and writes what the server must answer on the same line after ###:
//
//	machine.wa@@  ### +wait_for_unit -succeed
//
// The expectation is removed from the document before it is opened. Its
// words are a feature's checks; "quoted strings" may hold spaces.

const (
	cursorMarker      = "@@"
	expectationMarker = "###"
)

type featureCase struct {
	name   string // file:line of the cursor, for failure messages
	text   string
	pos    protocol.Position
	expect []string
}

func loadCases(t *testing.T, path string) []featureCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading cases: %v", err)
	}
	var cases []featureCase
	var lines []string
	firstLine := 1
	flush := func(next int) {
		if len(lines) > 0 {
			cases = append(cases, parseCase(t, path, firstLine, lines))
		}
		lines, firstLine = nil, next
	}
	for i, line := range strings.Split(string(data), "\n") {
		if line == "---" {
			flush(i + 2)
			continue
		}
		lines = append(lines, line)
	}
	flush(0)
	if len(cases) == 0 {
		t.Fatalf("%s holds no cases", path)
	}
	return cases
}

func parseCase(t *testing.T, path string, firstLine int, lines []string) featureCase {
	t.Helper()
	c := featureCase{}
	found := false
	for i, line := range lines {
		col := strings.Index(line, cursorMarker)
		if col < 0 {
			continue
		}
		if found {
			t.Fatalf("%s:%d: a second cursor marker in one case", path, firstLine+i)
		}
		found = true
		exp := strings.Index(line, expectationMarker)
		if exp < col {
			t.Fatalf("%s:%d: the cursor line has no %s expectation after the marker", path, firstLine+i, expectationMarker)
		}
		c.name = fmt.Sprintf("%s:%d", path, firstLine+i)
		c.expect = splitWords(t, c.name, line[exp+len(expectationMarker):])
		line = strings.TrimRight(line[:exp], " ")
		lines[i] = line[:col] + line[col+len(cursorMarker):]
		c.pos = protocol.Position{Line: protocol.UInteger(i), Character: protocol.UInteger(utf16Count(line[:col]))}
	}
	if !found {
		t.Fatalf("%s:%d: case without a cursor marker %s", path, firstLine, cursorMarker)
	}
	c.text = strings.Join(lines, "\n")
	return c
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
