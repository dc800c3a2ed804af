package lsp

import (
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestIncrementalEditsCountUTF16 sends ranged edits whose columns are
// UTF-16 units after a character outside the Basic Multilingual Plane: a
// server counting bytes or runes would edit the wrong characters and the
// renamed variable would not resolve.
func TestIncrementalEditsCountUTF16(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "a = \"😀\"; b = 1\nb\n")
	// `a = "😀"; ` is 10 UTF-16 units: the b on line 0 spans 10-11.
	c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: testURI}, Version: 2},
		ContentChanges: []any{
			protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
				Start: protocol.Position{Line: 0, Character: 10}, End: protocol.Position{Line: 0, Character: 11},
			}, Text: "cc"},
			// Applied to the text the first change made.
			protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
				Start: protocol.Position{Line: 1, Character: 0}, End: protocol.Position{Line: 1, Character: 1},
			}, Text: "cc"},
		},
	})
	var loc *protocol.Location
	c.mustCall("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: position(testURI, 1, 1)}, &loc)
	want := protocol.Range{Start: protocol.Position{Line: 0, Character: 10}, End: protocol.Position{Line: 0, Character: 12}}
	if loc == nil || loc.Range != want {
		t.Fatalf("definition of cc is %+v, want %+v", loc, want)
	}
}

// TestWholeDocumentChange replaces the text without a range.
func TestWholeDocumentChange(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "x = 1\n")
	c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: testURI}, Version: 2},
		ContentChanges: []any{protocol.TextDocumentContentChangeEventWhole{Text: "def f():\n    pass\n"}},
	})
	var symbols []protocol.DocumentSymbol
	c.mustCall("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: testURI}}, &symbols)
	if len(symbols) != 1 || symbols[0].Name != "f" {
		t.Fatalf("symbols after the change are %+v, want only f", symbols)
	}
}

// TestServerAnnouncesIncrementalSync pins the sync kind the edits above
// rely on.
func TestServerAnnouncesIncrementalSync(t *testing.T) {
	c := connect(t, Options{})
	var result struct {
		Capabilities struct {
			TextDocumentSync struct {
				OpenClose bool `json:"openClose"`
				Change    int  `json:"change"`
			} `json:"textDocumentSync"`
		} `json:"capabilities"`
	}
	c.mustCall("initialize", protocol.InitializeParams{}, &result)
	sync := result.Capabilities.TextDocumentSync
	if !sync.OpenClose || sync.Change != int(protocol.TextDocumentSyncKindIncremental) {
		t.Errorf("textDocumentSync is %+v, want openClose and incremental changes", sync)
	}
}

// TestApplyChange covers edits at the edges of the text.
func TestApplyChange(t *testing.T) {
	edit := func(l1, c1, l2, c2 int, text string) protocol.TextDocumentContentChangeEvent {
		return protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
			Start: protocol.Position{Line: protocol.UInteger(l1), Character: protocol.UInteger(c1)},
			End:   protocol.Position{Line: protocol.UInteger(l2), Character: protocol.UInteger(c2)},
		}, Text: text}
	}
	for _, tc := range []struct {
		name, text string
		change     protocol.TextDocumentContentChangeEvent
		want       string
	}{
		{"insert at start", "ab", edit(0, 0, 0, 0, "x"), "xab"},
		{"append past the end", "ab\n", edit(5, 0, 5, 0, "c"), "ab\nc"},
		{"column past the line end", "ab\ncd", edit(0, 9, 1, 0, ""), "abcd"},
		{"join CRLF lines", "a\r\nb", edit(0, 1, 1, 0, ""), "ab"},
		{"inside a surrogate pair", "😀x", edit(0, 1, 0, 3, "y"), "y"},
		{"delete a line", "a\nb\nc\n", edit(1, 0, 2, 0, ""), "a\nc\n"},
	} {
		got, err := applyChange(newTextIndex(tc.text), tc.change)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := applyChange(newTextIndex("abc"), edit(0, 2, 0, 1, "")); err == nil {
		t.Errorf("a range ending before its start must be an error")
	}
}
