package lsp

import (
	"strconv"
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestDefinition runs testdata/definition.star.
func TestDefinition(t *testing.T) {
	c := startServer(t, Options{Machines: testMachines})
	for i, tc := range loadCases(t, "testdata/definition.star") {
		uri := caseURI(i)
		c.open(uri, tc.text)
		var loc *protocol.Location
		c.mustCall("textDocument/definition", protocol.DefinitionParams{
			TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: tc.pos,
			},
		}, &loc)
		for _, word := range tc.expect {
			if word == "empty" {
				if loc != nil {
					t.Errorf("%s: want no definition, got %+v", tc.name, loc)
				}
				continue
			}
			if loc == nil {
				t.Errorf("%s: no definition, want %s", tc.name, word)
				continue
			}
			if loc.URI != uri {
				t.Errorf("%s: definition in %s, want %s", tc.name, loc.URI, uri)
			}
			switch name, want, _ := strings.Cut(word, "="); name {
			case "line":
				if got := strconv.Itoa(int(loc.Range.Start.Line) + 1); got != want {
					t.Errorf("%s: definition on line %s, want %s", tc.name, got, want)
				}
			case "text":
				if got := rangeText(tc.text, loc.Range); got != want {
					t.Errorf("%s: definition range holds %q, want %q", tc.name, got, want)
				}
			default:
				t.Fatalf("%s: unknown expectation %q", tc.name, word)
			}
		}
	}
}

// rangeText is the text of a one-line range, counting UTF-16 units.
func rangeText(text string, r protocol.Range) string {
	index := newTextIndex(text)
	return text[index.offset(r.Start):index.offset(r.End)]
}
