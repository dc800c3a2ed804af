package lsp

import (
	"net/url"
	"time"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/internal/buildinfo"
	"github.com/vmt-dev/vmt/lang"
)

// Options configure a server.
type Options struct {
	// Table is the script API; nil means lang.Default.
	Table *lang.Table
	// Machines are machine names known from outside the script (flags,
	// start scripts), as for `vmt lint`.
	Machines []string
	// DiagnosticsDelay is how long the server waits after an edit before it
	// lints; zero means defaultDiagnosticsDelay.
	DiagnosticsDelay time.Duration
}

// defaultDiagnosticsDelay lets a burst of keystrokes settle before the
// script is linted again.
const defaultDiagnosticsDelay = 250 * time.Millisecond

// Server is the state of one client connection.
type Server struct {
	table    *lang.Table
	machines []string
	docs     *documents
	diags    *diagnostics
	handler  protocol.Handler
	// globalItems and memberItems are the completion items that do not
	// depend on the script, built once.
	globalItems []encodedItem
	memberItems map[string][]encodedItem

	// Set by initialize and shutdown, read by later requests; glsp serves
	// one message at a time, so no lock is needed.
	hierarchicalSymbols bool
	shutdownRequested   bool
}

func newServer(opts Options) *Server {
	s := &Server{table: opts.Table, machines: opts.Machines, docs: newDocuments()}
	if s.table == nil {
		s.table = lang.Default
	}
	delay := opts.DiagnosticsDelay
	if delay == 0 {
		delay = defaultDiagnosticsDelay
	}
	s.diags = newDiagnostics(s, delay)
	s.globalItems = globalCompletionItems(s.table)
	s.memberItems = memberCompletionItems(s.table)
	s.handler = protocol.Handler{
		Initialize:    s.initialize,
		Initialized:   func(*glsp.Context, *protocol.InitializedParams) error { return nil },
		Shutdown:      s.shutdown,
		SetTrace:      func(*glsp.Context, *protocol.SetTraceParams) error { return nil },
		CancelRequest: func(*glsp.Context, *protocol.CancelParams) error { return nil },
		// Clients send their settings; the server has none to take.
		WorkspaceDidChangeConfiguration: func(*glsp.Context, *protocol.DidChangeConfigurationParams) error { return nil },

		TextDocumentDidOpen:   s.didOpen,
		TextDocumentDidChange: s.didChange,
		TextDocumentDidClose:  s.didClose,

		TextDocumentCompletion:     s.completion,
		TextDocumentHover:          s.hover,
		TextDocumentSignatureHelp:  s.signatureHelp,
		TextDocumentDefinition:     s.definition,
		TextDocumentDocumentSymbol: s.documentSymbol,
		TextDocumentCodeAction:     s.codeAction,
	}
	return s
}

func (s *Server) initialize(_ *glsp.Context, params *protocol.InitializeParams) (any, error) {
	if ds := params.Capabilities.TextDocument; ds != nil && ds.DocumentSymbol != nil && ds.DocumentSymbol.HierarchicalDocumentSymbolSupport != nil {
		s.hierarchicalSymbols = *ds.DocumentSymbol.HierarchicalDocumentSymbolSupport
	}
	capabilities := s.handler.CreateServerCapabilities()
	// glsp announces incremental sync when didChange is handled; say so
	// explicitly, since textsync.go applies ranged edits.
	syncKind := protocol.TextDocumentSyncKindIncremental
	capabilities.TextDocumentSync = &protocol.TextDocumentSyncOptions{OpenClose: &protocol.True, Change: &syncKind}
	capabilities.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: []string{"."}}
	capabilities.CodeActionProvider = &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}
	capabilities.SignatureHelpProvider = &protocol.SignatureHelpOptions{
		TriggerCharacters:   []string{"(", ","},
		RetriggerCharacters: []string{","},
	}
	version := buildinfo.Version()
	return protocol.InitializeResult{
		Capabilities: capabilities,
		ServerInfo:   &protocol.InitializeResultServerInfo{Name: "vmt", Version: &version},
	}, nil
}

func (s *Server) shutdown(*glsp.Context) error {
	s.shutdownRequested = true
	s.diags.stop()
	s.docs.stop()
	return nil
}

// uriFilename is the path of a file: URI, the URI itself otherwise; it is
// the name the linter and the parser report.
func uriFilename(uri protocol.DocumentUri) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return uri
	}
	return u.Path
}
