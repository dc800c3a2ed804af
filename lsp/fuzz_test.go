package lsp

import (
	"encoding/json"
	"testing"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// fuzzSnippets are what the fuzzer's edits insert, besides raw bytes: the
// pieces half-typed scripts are made of.
var fuzzSnippets = []string{
	"machine.", "wa", "(", ")", "\"", `"""`, "\n", "    ", "def f(x, *a, y=1, **k):", "#", ",", "=",
	"😀", "\r\n", "\r", `create_machine("db")`, "machines[0].", `subtest("a")`, "[", "]", "\\", "timeout=",
	"# vmt: machines=a,b-c\n", "for m in machines:\n", "lambda: ", "json.", "end_subtest()", "é", "\t",
}

// FuzzEdits applies random edits to a document and asks for every feature
// at random positions after each; nothing may panic, in the handlers or in
// the analysis and linting that run in the background in the server.
func FuzzEdits(f *testing.F) {
	f.Add("machine.succeed(\"true\")\n", []byte{0, 0, 8, 0, 8, 1, 2, 3, 4})
	f.Add("def f(a):\n    \"\"\"Doc.\"\"\"\n    return a\nf(\n", []byte{1, 3, 1, 0, 0, 5, 2, 2, 7, 0, 1, 1, 9, 3, 4})
	f.Add("# vmt: machines=web\nweb.wait_for_unit(\"x\", timeout=3)\nsubtest(\"s\")\n", []byte{0, 1, 4, 1, 9, 11, 4, 1, 20, 2, 0, 0, 0, 0, 12})
	f.Add("s = \"😀\"; x = 1\n", []byte{0, 0, 6, 0, 7, 13, 3, 0, 5})
	f.Fuzz(func(t *testing.T, text string, edits []byte) {
		s := newServer(Options{})
		defer s.diags.stop()
		defer s.docs.stop()
		call := func(method string, params any) {
			data, err := json.Marshal(params)
			if err != nil {
				t.Fatal(err)
			}
			// Errors are fine (a range ending before it starts); panics
			// are not, and the protocol handler does not recover them.
			_, _, _, _ = s.handler.Handle(&glsp.Context{Method: method, Params: data})
		}
		call(protocol.MethodInitialize, protocol.InitializeParams{})
		call(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{
			TextDocument: protocol.TextDocumentItem{URI: testURI, Version: 1, Text: text},
		})
		next := func() int {
			if len(edits) == 0 {
				return 0
			}
			b := int(edits[0])
			edits = edits[1:]
			return b
		}
		for version := protocol.Integer(2); len(edits) > 0; version++ {
			var change any
			if op := next(); op%8 == 7 {
				change = protocol.TextDocumentContentChangeEventWhole{Text: fuzzSnippets[next()%len(fuzzSnippets)]}
			} else {
				insert := fuzzSnippets[op%len(fuzzSnippets)]
				if op >= 128 {
					insert = string(edits[:min(len(edits), op%5)])
				}
				change = protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
					Start: protocol.Position{Line: protocol.UInteger(next() % 8), Character: protocol.UInteger(next() % 40)},
					End:   protocol.Position{Line: protocol.UInteger(next() % 8), Character: protocol.UInteger(next() % 40)},
				}, Text: insert}
			}
			call(protocol.MethodTextDocumentDidChange, protocol.DidChangeTextDocumentParams{
				TextDocument: protocol.VersionedTextDocumentIdentifier{
					TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: testURI}, Version: version,
				},
				ContentChanges: []any{change},
			})
			pos := position(testURI, next()%8, next()%40)
			call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: pos})
			call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: pos})
			call(protocol.MethodTextDocumentSignatureHelp, protocol.SignatureHelpParams{TextDocumentPositionParams: pos})
			call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: pos})
			call(protocol.MethodTextDocumentDocumentSymbol, protocol.DocumentSymbolParams{TextDocument: pos.TextDocument})
			call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
				TextDocument: pos.TextDocument, Range: protocol.Range{Start: pos.Position, End: pos.Position},
			})
		}
		// What the background goroutines do, done here so that a panic
		// shows with this input.
		doc, err := s.docs.get(testURI)
		if err != nil {
			t.Fatal(err)
		}
		doc.analyse(s)
		s.diags.lint(doc)
	})
}
