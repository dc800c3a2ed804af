package lsp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestMalformedMessages sends what a broken client might, each answered
// with an error response; the connection must go on serving afterwards.
func TestMalformedMessages(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "machine.succeed(\"true\")\n")
	for _, tc := range []struct {
		name     string
		raw      string // a whole message, header included
		id       string // the id the error answers, "null" when unknown
		code     int64
		contains string
	}{
		{"body not JSON", "Content-Length: 5\r\n\r\n{oops", "null", jsonrpc2.CodeParseError, "not JSON"},
		{"neither request nor response", withHeader(`{"jsonrpc":"2.0","id":7}`), "7", jsonrpc2.CodeInvalidRequest, "not a JSON-RPC request"},
		{"no Content-Length", "X-Whatever: 1\r\n\r\n", "null", jsonrpc2.CodeParseError, "Content-Length"},
		{"Content-Length not a number", "Content-Length: many\r\n\r\n", "null", jsonrpc2.CodeParseError, "not a byte count"},
		{"params of the wrong type", withHeader(`{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{"textDocument":5}}`), "8", jsonrpc2.CodeInvalidParams, "textDocument/hover"},
		{"no params", withHeader(`{"jsonrpc":"2.0","id":9,"method":"textDocument/completion"}`), "9", jsonrpc2.CodeInvalidParams, "textDocument/completion"},
		{"unknown method", withHeader(`{"jsonrpc":"2.0","id":10,"method":"vmt/frobnicate","params":{}}`), "10", jsonrpc2.CodeMethodNotFound, "vmt/frobnicate"},
		{"document not open", withHeader(`{"jsonrpc":"2.0","id":11,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///elsewhere.star"},"position":{"line":0,"character":0}}}`), "11", jsonrpc2.CodeInvalidRequest, "didOpen"},
		{"second initialize", withHeader(`{"jsonrpc":"2.0","id":12,"method":"initialize","params":{}}`), "12", jsonrpc2.CodeInvalidRequest, "initialize"},
	} {
		ch := c.expect(tc.id)
		if _, err := c.conn.Write([]byte(tc.raw)); err != nil {
			t.Fatalf("%s: writing: %v", tc.name, err)
		}
		msg := c.await(ch, tc.name)
		if msg.Error == nil || msg.Error.Code != tc.code || !strings.Contains(msg.Error.Message, tc.contains) {
			t.Errorf("%s: got error %+v, want code %d mentioning %q", tc.name, msg.Error, tc.code, tc.contains)
		}
		// The server still answers.
		var hover *protocol.Hover
		c.mustCall("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: position(testURI, 0, 9)}, &hover)
		if hover == nil {
			t.Fatalf("%s: no hover afterwards", tc.name)
		}
	}
}

// TestPositionsOutOfRange asks about lines and columns past the end: the
// protocol says they mean the end, so the answers are empty, not errors.
func TestPositionsOutOfRange(t *testing.T) {
	c := startServer(t, Options{})
	c.open(testURI, "machine.succeed(\"true\")\n")
	for _, pos := range []protocol.TextDocumentPositionParams{position(testURI, 99, 0), position(testURI, 0, 999)} {
		var hover *protocol.Hover
		c.mustCall("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: pos}, &hover)
		var help *protocol.SignatureHelp
		c.mustCall("textDocument/signatureHelp", protocol.SignatureHelpParams{TextDocumentPositionParams: pos}, &help)
		var items []protocol.CompletionItem
		c.mustCall("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: pos}, &items)
		if hover != nil || help != nil {
			t.Errorf("at %+v: want no hover and no signature, got %+v and %+v", pos.Position, hover, help)
		}
	}
}

// TestRequestBeforeInitialize gets LSP's ServerNotInitialized error.
func TestRequestBeforeInitialize(t *testing.T) {
	c := connect(t, Options{})
	err := c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: position(testURI, 0, 0)}, nil)
	if err == nil || err.Code != codeServerNotInitialized {
		t.Fatalf("got %+v, want error %d", err, codeServerNotInitialized)
	}
}

// withHeader puts a Content-Length header before a body.
func withHeader(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}
