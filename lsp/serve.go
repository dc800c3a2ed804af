package lsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
)

// ErrNoShutdown is returned when the client went away, or sent exit,
// without asking the server to shut down first.
var ErrNoShutdown = errors.New("the client closed the connection without a shutdown request")

// codeServerNotInitialized is LSP's error for a request before initialize.
const codeServerNotInitialized = -32002

// Serve speaks LSP over conn until the client sends exit or the
// connection closes. logger receives protocol errors; nil discards them.
func Serve(ctx context.Context, conn io.ReadWriteCloser, opts Options, logger *log.Logger) error {
	if logger == nil {
		logger = log.New(io.Discard, "", 0)
	}
	s := newServer(opts)
	rpc := jsonrpc2.NewConn(ctx, newStream(conn), jsonrpc2.HandlerWithError(s.handle), jsonrpc2.SetLogger(logger))
	s.diags.start(func(method string, params any) {
		if err := rpc.Notify(ctx, method, params); err != nil {
			logger.Printf("sending %s: %v", method, err)
		}
	})
	select {
	case <-rpc.DisconnectNotify():
	case <-ctx.Done():
		rpc.Close()
	}
	s.diags.stop()
	s.docs.stop()
	if !s.shutdownRequested {
		return ErrNoShutdown
	}
	return nil
}

// ServeListener serves each connection accepted on l with its own server
// until ctx is done or l fails.
func ServeListener(ctx context.Context, l net.Listener, opts Options, logger *log.Logger) error {
	go func() {
		<-ctx.Done()
		l.Close()
	}()
	for {
		conn, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accepting LSP connections on %s: %w", l.Addr(), err)
		}
		go func() {
			// A client leaving without shutdown ends its connection only.
			_ = Serve(ctx, conn, opts, logger)
		}()
	}
}

// handle runs one message through glsp's protocol handler. It turns
// panics into error responses, so that no request can bring the server
// down, and answers the errors LSP prescribes before initialize and after
// shutdown.
func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result = nil
			err = &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError,
				Message: fmt.Sprintf("internal error handling %s: %v; please report it with the script that caused it", req.Method, r)}
		}
	}()
	switch {
	case req.Method == "exit":
		conn.Close()
		return nil, nil
	case s.shutdownRequested:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: req.Method + " after shutdown: only exit is accepted now"}
	case req.Method == "initialize" && s.handler.IsInitialized():
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: "initialize was already sent: a connection is initialized once"}
	case req.Method != "initialize" && !s.handler.IsInitialized():
		return nil, &jsonrpc2.Error{Code: codeServerNotInitialized, Message: req.Method + " before initialize: send initialize first"}
	}
	gctx := glsp.Context{
		Method: req.Method,
		Notify: func(method string, params any) {
			// Only a notification is safe from inside a handler: a call
			// would wait for a response that this goroutine has to read.
			_ = conn.Notify(ctx, method, params)
		},
	}
	if req.Params != nil {
		gctx.Params = *req.Params
	}
	r, validMethod, validParams, err := s.handler.Handle(&gctx)
	switch {
	case !validMethod:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	case !validParams:
		msg := "invalid params for " + req.Method
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: msg}
	case err != nil:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
	}
	return r, nil
}
