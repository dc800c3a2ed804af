package lsp

import (
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestHover runs testdata/hover.star.
func TestHover(t *testing.T) {
	c := startServer(t, Options{Machines: testMachines})
	for i, tc := range loadCases(t, "testdata/hover.star") {
		uri := caseURI(i)
		c.open(uri, tc.text)
		var hover *protocol.Hover
		c.mustCall("textDocument/hover", protocol.HoverParams{
			TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: tc.pos,
			},
		}, &hover)
		for _, word := range tc.expect {
			if word == "empty" {
				if hover != nil {
					t.Errorf("%s: want no hover, got %#v", tc.name, hover.Contents)
				}
				continue
			}
			if hover == nil {
				t.Errorf("%s: no hover, want one holding %q", tc.name, word)
				continue
			}
			content, ok := hover.Contents.(protocol.MarkupContent)
			if !ok || content.Kind != protocol.MarkupKindMarkdown {
				t.Errorf("%s: hover contents %#v are not Markdown", tc.name, hover.Contents)
				continue
			}
			if !strings.Contains(content.Value, word) {
				t.Errorf("%s: hover lacks %q:\n%s", tc.name, word, content.Value)
			}
		}
	}
}

// TestHoverRangeCountsUTF16 checks the range of a hovered name after
// characters outside the Basic Multilingual Plane, which take two UTF-16
// units each.
func TestHoverRangeCountsUTF16(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "log(\"😀😀\"); machine.succeed(\"true\")\n")
	// `log("😀😀"); ` is 13 UTF-16 units, `machine.` 8 more.
	var hover *protocol.Hover
	c.mustCall("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: position(testURI, 0, 22)}, &hover)
	if hover == nil || hover.Range == nil {
		t.Fatalf("no hover with a range on succeed: %#v", hover)
	}
	want := protocol.Range{Start: protocol.Position{Line: 0, Character: 21}, End: protocol.Position{Line: 0, Character: 28}}
	if *hover.Range != want {
		t.Errorf("hover range is %+v, want %+v", *hover.Range, want)
	}
}
