package lsp

import (
	"slices"
	"strings"
	"testing"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lang"
)

// testMachines are the machine names the feature cases see from outside.
var testMachines = []string{"server", "client"}

// TestCompletion runs testdata/completion.star with machine names from
// outside and testdata/completion_directive.star without. Words: +label
// must be offered, -label must not, members=Type means exactly the
// members of that type, first=label is the first item, empty means no
// item.
func TestCompletion(t *testing.T) {
	runCompletionCases(t, "testdata/completion.star", Options{Machines: testMachines})
	runCompletionCases(t, "testdata/completion_directive.star", Options{})
}

func runCompletionCases(t *testing.T, path string, opts Options) {
	c := startServer(t, opts)
	for i, tc := range loadCases(t, path) {
		uri := caseURI(i)
		c.open(uri, tc.text)
		var items []protocol.CompletionItem
		c.mustCall("textDocument/completion", protocol.CompletionParams{
			TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: tc.pos,
			},
		}, &items)
		labels := make([]string, len(items))
		for j, item := range items {
			labels[j] = item.Label
		}
		for _, word := range tc.expect {
			switch {
			case word == "empty":
				if len(labels) != 0 {
					t.Errorf("%s: want no items, got %v", tc.name, labels)
				}
			case strings.HasPrefix(word, "members="):
				typ := strings.TrimPrefix(word, "members=")
				want := lang.Default.Type(typ).MemberNames()
				got := slices.Sorted(slices.Values(labels))
				if !slices.Equal(got, want) {
					t.Errorf("%s: want exactly the members of %s\n%v\ngot\n%v", tc.name, typ, want, got)
				}
			case strings.HasPrefix(word, "first="):
				if want := strings.TrimPrefix(word, "first="); len(labels) == 0 || labels[0] != want {
					t.Errorf("%s: want %s first, got %v", tc.name, want, labels)
				}
			case strings.HasPrefix(word, "+"):
				if !slices.Contains(labels, word[1:]) {
					t.Errorf("%s: want %s among %v", tc.name, word[1:], labels)
				}
			case strings.HasPrefix(word, "-"):
				if slices.Contains(labels, word[1:]) {
					t.Errorf("%s: %s must not be offered", tc.name, word[1:])
				}
			default:
				t.Fatalf("%s: unknown expectation %q", tc.name, word)
			}
		}
	}
}

// TestCompletionDocumentsMachineMethods checks that the items after a
// machine's dot carry the table's signature and documentation.
func TestCompletionDocumentsMachineMethods(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "machine.\n")
	var items []protocol.CompletionItem
	c.mustCall("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: position(testURI, 0, 8)}, &items)
	succeed := lang.Default.Method("Machine", "succeed")
	for _, item := range items {
		if item.Label != "succeed" {
			continue
		}
		doc, ok := item.Documentation.(protocol.MarkupContent)
		if !ok || doc.Kind != protocol.MarkupKindMarkdown || !strings.Contains(doc.Value, succeed.Doc) {
			t.Errorf("succeed's documentation is %#v, want markdown holding %q", item.Documentation, succeed.Doc)
		}
		if item.Detail == nil || *item.Detail != succeed.Signature() {
			t.Errorf("succeed's detail is %v, want %q", item.Detail, succeed.Signature())
		}
		return
	}
	t.Fatalf("succeed is not offered after machine.: %v", items)
}

// TestCompletionFollowsRenamedMachine renames a machine whose name is not
// on the line of its create_machine call: the machine list must follow.
func TestCompletionFollowsRenamedMachine(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "create_machine(\n    memory_size = 512,\n    name = \"web\",\n)\nweb.\n")
	c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: testURI}, Version: 2},
		ContentChanges: []any{protocol.TextDocumentContentChangeEventWhole{Text: "create_machine(\n    memory_size = 512,\n    name = \"api\",\n)\napi.\n"}},
	})
	time.Sleep(300 * time.Millisecond) // analysis runs shortly after an edit
	var items []protocol.CompletionItem
	c.mustCall("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: position(testURI, 4, 4)}, &items)
	for _, item := range items {
		if item.Label == "succeed" {
			return
		}
	}
	t.Fatalf("after renaming the machine to api, api. offers no Machine methods: %d items", len(items))
}
