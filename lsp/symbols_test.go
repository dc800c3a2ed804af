package lsp

import (
	"fmt"
	"os"
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestDocumentSymbols outlines testdata/symbols.star and compares with
// testdata/symbols.golden: one symbol a line, children indented, with the
// kind, 1-based lines and 0-based UTF-16 columns of the range, and the
// detail.
func TestDocumentSymbols(t *testing.T) {
	src, err := os.ReadFile("testdata/symbols.star")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/symbols.golden")
	if err != nil {
		t.Fatal(err)
	}
	c := startServer(t, Options{})
	c.open(testURI, string(src))
	var symbols []protocol.DocumentSymbol
	c.mustCall("textDocument/documentSymbol", protocol.DocumentSymbolParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: testURI},
	}, &symbols)
	var got strings.Builder
	writeSymbols(&got, symbols, "")
	if got.String() != string(want) {
		t.Errorf("symbols differ from testdata/symbols.golden; got\n%s", got.String())
	}
}

func writeSymbols(b *strings.Builder, symbols []protocol.DocumentSymbol, indent string) {
	kinds := map[protocol.SymbolKind]string{
		protocol.SymbolKindFunction:  "Function",
		protocol.SymbolKindVariable:  "Variable",
		protocol.SymbolKindNamespace: "Namespace",
	}
	for _, s := range symbols {
		fmt.Fprintf(b, "%s%s %s %d:%d-%d:%d", indent, kinds[s.Kind], s.Name,
			s.Range.Start.Line+1, s.Range.Start.Character, s.Range.End.Line+1, s.Range.End.Character)
		if s.Detail != nil {
			fmt.Fprintf(b, " (%s)", *s.Detail)
		}
		b.WriteString("\n")
		writeSymbols(b, s.Children, indent+"  ")
	}
}

// TestDocumentSymbolsFlat checks the flat list sent to clients without
// hierarchical symbol support: children name their section.
func TestDocumentSymbolsFlat(t *testing.T) {
	c := startServerWith(t, Options{}, protocol.ClientCapabilities{})
	c.open(testURI, "subtest(\"boots\")\nx = 1\n")
	var flat []protocol.SymbolInformation
	c.mustCall("textDocument/documentSymbol", protocol.DocumentSymbolParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: testURI},
	}, &flat)
	if len(flat) != 2 {
		t.Fatalf("want two flat symbols, got %+v", flat)
	}
	if flat[1].Name != "x" || flat[1].ContainerName == nil || *flat[1].ContainerName != "boots" {
		t.Errorf("x should be inside boots: %+v", flat[1])
	}
	if flat[1].Location.URI != testURI || flat[1].Location.Range.Start.Line != 1 {
		t.Errorf("x should be on line 2 of %s: %+v", testURI, flat[1].Location)
	}
}
