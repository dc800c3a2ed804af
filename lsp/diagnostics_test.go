package lsp

import (
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestDiagnosticsFollowTheDocument checks that findings are published
// after open and after edits, with the rule as code and UTF-16 ranges, and
// cleared on close.
func TestDiagnosticsFollowTheDocument(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "# vmt: machines=server\nlog(\"😀\"); undefined_thing()\n")
	got := c.diagnostics(testURI)
	if len(got.Diagnostics) != 1 {
		t.Fatalf("want one finding after open, got %+v", got.Diagnostics)
	}
	d := got.Diagnostics[0]
	// `log("😀"); ` is 11 UTF-16 units.
	wantRange := protocol.Range{Start: protocol.Position{Line: 1, Character: 11}, End: protocol.Position{Line: 1, Character: 26}}
	if d.Code != "undefined-name" || d.Range != wantRange || d.Source != "vmt" || d.Severity != int(protocol.DiagnosticSeverityError) {
		t.Errorf("finding is %+v, want an undefined-name error from vmt at %+v", d, wantRange)
	}

	// Several quick edits: the last version is what gets linted.
	for version, text := range []string{"server.succ", "server.succeed(", "server.succeed(\"true\")\n"} {
		c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
			TextDocument: protocol.VersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: testURI}, Version: protocol.Integer(version + 2),
			},
			ContentChanges: []any{protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
				Start: protocol.Position{Line: 1, Character: 0}, End: protocol.Position{Line: 2, Character: 0},
			}, Text: text}},
		})
	}
	for {
		got = c.diagnostics(testURI)
		if got.Version != nil && *got.Version == 4 {
			break
		}
	}
	if len(got.Diagnostics) != 0 {
		t.Errorf("want no finding for the fixed script, got %+v", got.Diagnostics)
	}

	c.notify("textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: testURI}})
	if got = c.diagnostics(testURI); len(got.Diagnostics) != 0 || got.Version != nil {
		t.Errorf("want the findings cleared on close, got %+v", got)
	}
}

// TestDiagnosticsReportSyntaxErrors checks a half-typed line's finding.
func TestDiagnosticsReportSyntaxErrors(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "machine.\n")
	got := c.diagnostics(testURI)
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Code != "syntax-error" {
		t.Fatalf("want a syntax-error finding, got %+v", got.Diagnostics)
	}
	// The parser stops at the end of the script; the finding is shown on
	// the last character of the line that breaks it, where people look.
	want := protocol.Range{Start: protocol.Position{Line: 0, Character: 7}, End: protocol.Position{Line: 0, Character: 8}}
	if got.Diagnostics[0].Range != want {
		t.Errorf("syntax error at %+v, want %+v", got.Diagnostics[0].Range, want)
	}
}
