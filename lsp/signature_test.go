package lsp

import (
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestSignatureHelp runs testdata/signature.star.
func TestSignatureHelp(t *testing.T) {
	c := startServer(t, Options{Machines: testMachines})
	for i, tc := range loadCases(t, "testdata/signature.star") {
		uri := caseURI(i)
		c.open(uri, tc.text)
		var help *protocol.SignatureHelp
		c.mustCall("textDocument/signatureHelp", protocol.SignatureHelpParams{
			TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: tc.pos,
			},
		}, &help)
		for _, word := range tc.expect {
			if word == "empty" {
				if help != nil {
					t.Errorf("%s: want no signature help, got %+v", tc.name, help)
				}
				continue
			}
			if help == nil || len(help.Signatures) != 1 {
				t.Errorf("%s: want one signature, got %+v", tc.name, help)
				continue
			}
			sig := help.Signatures[0]
			switch name, want, _ := strings.Cut(word, "="); name {
			case "label":
				if !strings.HasPrefix(sig.Label, want) {
					t.Errorf("%s: label is %q, want it to start with %q", tc.name, sig.Label, want)
				}
			case "active":
				if got := activeLabel(t, help); got != want {
					t.Errorf("%s: active parameter is %q, want %q (label %q)", tc.name, got, want, sig.Label)
				}
			case "doc":
				doc, ok := sig.Documentation.(protocol.MarkupContent)
				if !ok || doc.Kind != protocol.MarkupKindMarkdown || !strings.Contains(doc.Value, want) {
					t.Errorf("%s: documentation %#v lacks %q", tc.name, sig.Documentation, want)
				}
			default:
				t.Fatalf("%s: unknown expectation %q", tc.name, word)
			}
		}
	}
}

// activeLabel is the text of the active parameter inside the label; the
// labels here are ASCII, so UTF-16 offsets are byte offsets.
func activeLabel(t *testing.T, help *protocol.SignatureHelp) string {
	t.Helper()
	sig := help.Signatures[0]
	if help.ActiveParameter == nil || int(*help.ActiveParameter) >= len(sig.Parameters) {
		return ""
	}
	offsets, ok := sig.Parameters[*help.ActiveParameter].Label.([]protocol.UInteger)
	if !ok || len(offsets) != 2 {
		t.Fatalf("parameter label %#v is not a pair of offsets", sig.Parameters[*help.ActiveParameter].Label)
	}
	return sig.Label[offsets[0]:offsets[1]]
}
