package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// The tests talk to the server the way an editor does: JSON-RPC messages
// with Content-Length headers over a connection, here one end of a
// net.Pipe with Serve on the other.

// rpcMessage is any message the server sends.
type rpcMessage struct {
	ID     *json.RawMessage `json:"id"`
	Method string           `json:"method"`
	Params json.RawMessage  `json:"params"`
	Result json.RawMessage  `json:"result"`
	Error  *rpcError        `json:"error"`
}

type rpcError struct {
	Code    int64  `json:"code"`
	Message string `json:"message"`
}

// testClient is a minimal LSP client.
type testClient struct {
	t    testing.TB
	conn net.Conn

	mu      sync.Mutex
	nextID  int
	waiting map[string]chan rpcMessage // by the id's JSON text

	notifications chan rpcMessage
	served        chan error
	initialized   bool
}

// testURI is the document most tests open.
const testURI = "file:///tests/script.star"

// testTimeout bounds every wait for the server.
const testTimeout = 10 * time.Second

// startServer serves a new server on a pipe and initializes it as a
// client with hierarchical document symbols.
func startServer(t testing.TB, opts Options) *testClient {
	t.Helper()
	hierarchical := true
	return startServerWith(t, opts, protocol.ClientCapabilities{TextDocument: &protocol.TextDocumentClientCapabilities{
		DocumentSymbol: &protocol.DocumentSymbolClientCapabilities{HierarchicalDocumentSymbolSupport: &hierarchical},
	}})
}

// startServerWith is startServer for a client with the given capabilities.
func startServerWith(t testing.TB, opts Options, capabilities protocol.ClientCapabilities) *testClient {
	t.Helper()
	c := connect(t, opts)
	var result protocol.InitializeResult
	if err := c.call("initialize", protocol.InitializeParams{Capabilities: capabilities}, &result); err != nil {
		t.Fatalf("initialize: %v", err.Message)
	}
	c.notify("initialized", struct{}{})
	c.initialized = true
	return c
}

// connect serves a new server on a pipe, not initialized yet.
func connect(t testing.TB, opts Options) *testClient {
	t.Helper()
	if opts.DiagnosticsDelay == 0 {
		opts.DiagnosticsDelay = time.Millisecond
	}
	serverEnd, clientEnd := net.Pipe()
	c := &testClient{
		t:             t,
		conn:          clientEnd,
		waiting:       map[string]chan rpcMessage{},
		notifications: make(chan rpcMessage, 100),
		served:        make(chan error, 1),
	}
	go func() { c.served <- Serve(context.Background(), serverEnd, opts, nil) }()
	go c.readLoop()
	t.Cleanup(c.close)
	return c
}

// close ends the session: properly, with shutdown and exit, when the
// client initialized the server, by hanging up otherwise. Serve must
// return, with an error only in the second case.
func (c *testClient) close() {
	if c.initialized {
		if err := c.call("shutdown", nil, nil); err != nil {
			c.t.Errorf("shutdown: %s", err.Message)
		}
		c.notify("exit", nil)
	} else {
		c.conn.Close()
	}
	select {
	case err := <-c.served:
		if c.initialized && err != nil {
			c.t.Errorf("Serve returned %v after shutdown and exit", err)
		}
		if !c.initialized && err != ErrNoShutdown {
			c.t.Errorf("Serve returned %v after the client hung up, want ErrNoShutdown", err)
		}
	case <-time.After(testTimeout):
		c.t.Errorf("Serve did not return after the session ended")
	}
	c.conn.Close()
}

func (c *testClient) readLoop() {
	r := bufio.NewReader(c.conn)
	for {
		body, err := readMessage(r)
		if err != nil {
			close(c.notifications)
			return
		}
		var msg rpcMessage
		if err := json.Unmarshal(body, &msg); err != nil {
			c.t.Errorf("server sent a message that is not JSON-RPC: %s", body)
			continue
		}
		if msg.Method != "" {
			c.notifications <- msg
			continue
		}
		id := "null"
		if msg.ID != nil {
			id = string(*msg.ID)
		}
		c.mu.Lock()
		ch := c.waiting[id]
		delete(c.waiting, id)
		c.mu.Unlock()
		if ch == nil {
			c.t.Errorf("server answered id %s, which nothing waits for: %s", id, body)
			continue
		}
		ch <- msg
	}
}

func readMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, err = strconv.Atoi(v)
			if err != nil {
				return nil, err
			}
		}
	}
	if length < 0 {
		return nil, fmt.Errorf("message without Content-Length")
	}
	body := make([]byte, length)
	_, err := io.ReadFull(r, body)
	return body, err
}

// expect registers interest in the response with the given id.
func (c *testClient) expect(id string) chan rpcMessage {
	ch := make(chan rpcMessage, 1)
	c.mu.Lock()
	c.waiting[id] = ch
	c.mu.Unlock()
	return ch
}

// send writes one message body with its header.
func (c *testClient) send(body []byte) {
	c.t.Helper()
	if _, err := fmt.Fprintf(c.conn, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

// call sends a request and decodes its result into result (unless nil);
// it returns the error response, if any.
func (c *testClient) call(method string, params, result any) *rpcError {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	c.mu.Unlock()
	ch := c.expect(id)
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method, "params": params})
	if err != nil {
		c.t.Fatalf("encoding %s: %v", method, err)
	}
	c.send(body)
	msg := c.await(ch, method)
	if msg.Error != nil {
		return msg.Error
	}
	if result != nil {
		if err := json.Unmarshal(msg.Result, result); err != nil {
			c.t.Fatalf("decoding the result of %s (%s): %v", method, msg.Result, err)
		}
	}
	return nil
}

func (c *testClient) await(ch chan rpcMessage, what string) rpcMessage {
	c.t.Helper()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(testTimeout):
		c.t.Fatalf("no response to %s within %v", what, testTimeout)
		return rpcMessage{}
	}
}

// mustCall is call for requests that must succeed.
func (c *testClient) mustCall(method string, params, result any) {
	c.t.Helper()
	if err := c.call(method, params, result); err != nil {
		c.t.Fatalf("%s: error %d %s", method, err.Code, err.Message)
	}
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	if err != nil {
		c.t.Fatalf("encoding %s: %v", method, err)
	}
	c.send(body)
}

func (c *testClient) open(uri, text string) {
	c.t.Helper()
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "vmt-starlark", Version: 1, Text: text,
	}})
}

// published is what publishDiagnostics carries. glsp's own type cannot be
// used: its IntegerOrString loses the code when decoding.
type published struct {
	URI         string `json:"uri"`
	Version     *int   `json:"version"`
	Diagnostics []struct {
		Range    protocol.Range `json:"range"`
		Severity int            `json:"severity"`
		Code     string         `json:"code"`
		Source   string         `json:"source"`
		Message  string         `json:"message"`
		Tags     []int          `json:"tags"`
	} `json:"diagnostics"`
}

// diagnostics waits for the next diagnostics published for uri.
func (c *testClient) diagnostics(uri string) published {
	c.t.Helper()
	deadline := time.After(testTimeout)
	for {
		select {
		case msg, ok := <-c.notifications:
			if !ok {
				c.t.Fatalf("connection closed while waiting for diagnostics of %s", uri)
			}
			if msg.Method != protocol.ServerTextDocumentPublishDiagnostics {
				continue
			}
			var params published
			if err := json.Unmarshal(msg.Params, &params); err != nil {
				c.t.Fatalf("decoding diagnostics: %v", err)
			}
			if params.URI == uri {
				return params
			}
		case <-deadline:
			c.t.Fatalf("no diagnostics for %s within %v", uri, testTimeout)
		}
	}
}

// position is a shorthand for a document position.
func position(uri string, line, character int) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Position:     protocol.Position{Line: protocol.UInteger(line), Character: protocol.UInteger(character)},
	}
}
