package lsp

import (
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestCodeActionFixesDeprecatedNames asks for the quick fix of a
// deprecated method after non-ASCII text and applies its edit.
func TestCodeActionFixesDeprecatedNames(t *testing.T) {
	c := startServer(t, Options{})
	text := "# vmt: machines=server\nlog(\"ü\"); server.copy_from_vm(\"/etc/hosts\")\n"
	c.open(testURI, text)
	line := protocol.Range{Start: protocol.Position{Line: 1}, End: protocol.Position{Line: 1, Character: 40}}
	var actions []struct {
		Title       string
		Kind        string
		IsPreferred bool
		Diagnostics []struct{ Code string }
		Edit        struct {
			Changes map[string][]protocol.TextEdit
		}
	}
	c.mustCall("textDocument/codeAction", protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: testURI}, Range: line,
	}, &actions)
	if len(actions) != 1 {
		t.Fatalf("want one code action, got %+v", actions)
	}
	a := actions[0]
	if a.Title != "Replace with copy_from_machine" || a.Kind != "quickfix" || !a.IsPreferred ||
		len(a.Diagnostics) != 1 || a.Diagnostics[0].Code != "deprecated" {
		t.Errorf("code action is %+v, want the preferred quick fix of the deprecated finding", a)
	}
	edits := a.Edit.Changes[testURI]
	if len(edits) != 1 {
		t.Fatalf("want one edit of %s, got %+v", testURI, a.Edit.Changes)
	}
	fixed, err := applyChange(newTextIndex(text), protocol.TextDocumentContentChangeEvent{Range: &edits[0].Range, Text: edits[0].NewText})
	if want := "# vmt: machines=server\nlog(\"ü\"); server.copy_from_machine(\"/etc/hosts\")\n"; err != nil || fixed != want {
		t.Errorf("the fix gives %q (%v), want %q", fixed, err, want)
	}

	// Elsewhere there is nothing to fix.
	var none []struct{ Title string }
	c.mustCall("textDocument/codeAction", protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: testURI},
		Range:        protocol.Range{End: protocol.Position{Character: 3}},
	}, &none)
	if len(none) != 0 {
		t.Errorf("want no code action on line 1, got %+v", none)
	}
}

// TestCodeActionRewritesPythonHabits applies the quick fix of a
// `with subtest(...)` block, several edits over several lines.
func TestCodeActionRewritesPythonHabits(t *testing.T) {
	c := startServer(t, Options{})
	text := "with subtest(\"boot\"):\n    machine.succeed(\"true\")\nprint(1)\n"
	c.open(testURI, text)
	var actions []struct {
		Title string
		Edit  struct {
			Changes map[string][]protocol.TextEdit
		}
	}
	c.mustCall("textDocument/codeAction", protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: testURI},
		Range:        protocol.Range{End: protocol.Position{Character: 4}},
	}, &actions)
	if len(actions) != 1 || actions[0].Title != `Rewrite as the section subtest("boot") ... end_subtest()` {
		t.Fatalf("want the section quick fix, got %+v", actions)
	}
	edits := actions[0].Edit.Changes[testURI]
	fixed := text
	for i := len(edits) - 1; i >= 0; i-- { // the last first, so ranges hold
		var err error
		if fixed, err = applyChange(newTextIndex(fixed), protocol.TextDocumentContentChangeEvent{Range: &edits[i].Range, Text: edits[i].NewText}); err != nil {
			t.Fatal(err)
		}
	}
	if want := "subtest(\"boot\")\nmachine.succeed(\"true\")\nend_subtest()\nprint(1)\n"; fixed != want {
		t.Errorf("the fix gives %q, want %q", fixed, want)
	}
}
