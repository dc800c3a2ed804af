package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
)

// maxMessageSize bounds one message's body, so that a garbled
// Content-Length cannot make the server allocate gigabytes.
const maxMessageSize = 64 << 20

// stream frames JSON-RPC messages with LSP's Content-Length headers. Unlike
// jsonrpc2's own codec it survives malformed messages: a body that is not
// JSON, or not a request or a response, gets an error response and the
// connection goes on, where jsonrpc2 would close it.
type stream struct {
	conn io.ReadWriteCloser
	r    *bufio.Reader

	mu sync.Mutex // one writer at a time: handlers and the diagnostics publisher
}

func newStream(conn io.ReadWriteCloser) *stream {
	return &stream{conn: conn, r: bufio.NewReader(conn)}
}

// ReadObject implements jsonrpc2.ObjectStream.
func (s *stream) ReadObject(v any) error {
	for {
		body, err := s.readBody()
		if err != nil {
			if framing, ok := err.(framingError); ok {
				if err := s.writeError(nil, jsonrpc2.CodeParseError, framing.Error()); err != nil {
					return err
				}
				continue
			}
			return err
		}
		err = json.Unmarshal(body, v)
		if err == nil {
			return nil
		}
		if !json.Valid(body) {
			err = s.writeError(nil, jsonrpc2.CodeParseError, "message body is not JSON: "+err.Error())
		} else {
			var id struct {
				ID json.RawMessage `json:"id"`
			}
			// A body that is not an object has no id to answer to.
			_ = json.Unmarshal(body, &id)
			err = s.writeError(id.ID, jsonrpc2.CodeInvalidRequest, "message is not a JSON-RPC request or response: "+err.Error())
		}
		if err != nil {
			return err
		}
	}
}

// framingError is a header the server cannot use; the message is skipped.
type framingError string

func (e framingError) Error() string { return string(e) }

// readBody reads one header block and the body it announces. A bad
// header is reported after the whole block is read, so that the next
// message starts where it should.
func (s *stream) readBody() ([]byte, error) {
	length := -1
	var bad framingError
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		switch {
		case !ok:
			bad = framingError(fmt.Sprintf("header line %q has no colon: send \"Content-Length: N\" and an empty line before each message", line))
		case strings.EqualFold(strings.TrimSpace(name), "Content-Length"):
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				bad = framingError(fmt.Sprintf("Content-Length %q is not a byte count", strings.TrimSpace(value)))
				continue
			}
			length = n
		}
	}
	switch {
	case bad != "":
		return nil, bad
	case length < 0:
		return nil, framingError("message has no Content-Length header")
	case length > maxMessageSize:
		// The body cannot be skipped without reading it all: give up.
		return nil, fmt.Errorf("message of %d bytes exceeds the %d byte limit", length, maxMessageSize)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// WriteObject implements jsonrpc2.ObjectStream.
func (s *stream) WriteObject(obj any) error {
	body, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	return s.write(body)
}

func (s *stream) write(body []byte) error {
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "Content-Length: %d\r\n\r\n", len(body))
	msg.Write(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.conn.Write(msg.Bytes())
	return err
}

// writeError answers a message the connection could not handle; id is nil
// when the message's id could not be read.
func (s *stream) writeError(id json.RawMessage, code int64, message string) error {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	body, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", id, jsonrpc2.Error{Code: code, Message: message}})
	if err != nil {
		return err
	}
	return s.write(body)
}

// Close implements jsonrpc2.ObjectStream.
func (s *stream) Close() error { return s.conn.Close() }
