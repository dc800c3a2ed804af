package lsp

import (
	"fmt"
	"sync"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lint"
)

// snapshot is one version of an open document. Its text never changes; an
// edit makes a new snapshot.
type snapshot struct {
	uri     protocol.DocumentUri
	version protocol.Integer
	text    *textIndex

	// previous is the newest analysis of an earlier version when this
	// snapshot was made: its tree stands in when this version does not
	// parse, and requests that tolerate it use it while this version's
	// analysis is still running.
	previous *analysis

	mu sync.Mutex
	// analysis is computed once, in the background after an edit or on
	// first use.
	analysis *analysis

	// The linter's findings, computed once for diagnostics or code actions.
	lintOnce sync.Once
	lint     []lint.Finding
}

// documents holds the open documents. Handlers run one at a time, but the
// diagnostics and analysis goroutines read snapshots too.
type documents struct {
	mu   sync.Mutex
	open map[protocol.DocumentUri]*snapshot
	// timers start background analyses; analysing marks the documents
	// with an analysis goroutine running.
	timers    map[protocol.DocumentUri]*time.Timer
	analysing map[protocol.DocumentUri]bool
	stopped   bool
}

// analysisDelay lets the requests that follow a keystroke (completion,
// signature help) run before the background analysis takes a core.
const analysisDelay = 30 * time.Millisecond

func newDocuments() *documents {
	return &documents{
		open:      map[protocol.DocumentUri]*snapshot{},
		timers:    map[protocol.DocumentUri]*time.Timer{},
		analysing: map[protocol.DocumentUri]bool{},
	}
}

// get returns the current snapshot of an open document.
func (d *documents) get(uri protocol.DocumentUri) (*snapshot, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.open[uri]
	if !ok {
		return nil, fmt.Errorf("document %s is not open: send textDocument/didOpen first", uri)
	}
	return s, nil
}

// put makes s the current snapshot of its document.
func (d *documents) put(s *snapshot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.open[s.uri] = s
}

// remove forgets a document; it reports whether it was open.
func (d *documents) remove(uri protocol.DocumentUri) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.open[uri]
	delete(d.open, uri)
	if t := d.timers[uri]; t != nil {
		t.Stop()
		delete(d.timers, uri)
	}
	return ok
}

// isCurrent reports whether s is still the current snapshot of its
// document, calling then while the store is locked so that a document
// cannot close or change in between.
func (d *documents) isCurrent(s *snapshot, then func()) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open[s.uri] != s {
		return false
	}
	then()
	return true
}

// analyseSoon analyses the current snapshot of a document on a goroutine
// after analysisDelay, one goroutine at a time per document: when the
// document changed meanwhile, the goroutine goes on with the newest
// snapshot, skipping the versions in between.
func (d *documents) analyseSoon(srv *Server, uri protocol.DocumentUri) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	if t := d.timers[uri]; t != nil {
		t.Reset(analysisDelay)
		return
	}
	d.timers[uri] = time.AfterFunc(analysisDelay, func() { d.analyseCurrent(srv, uri) })
}

func (d *documents) analyseCurrent(srv *Server, uri protocol.DocumentUri) {
	d.mu.Lock()
	if d.analysing[uri] {
		d.mu.Unlock()
		return
	}
	d.analysing[uri] = true
	d.mu.Unlock()
	for {
		d.mu.Lock()
		doc, ok := d.open[uri]
		if !ok || doc.finished() != nil {
			delete(d.analysing, uri)
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		doc.analyse(srv)
	}
}

// stop cancels the analyses that have not started.
func (d *documents) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	for _, t := range d.timers {
		t.Stop()
	}
}

// next makes the snapshot following s with the given text. It does not
// wait for an analysis of s that is still running.
func (s *snapshot) next(version protocol.Integer, text string) *snapshot {
	previous := s.previous
	if a := s.finished(); a != nil {
		previous = a
	}
	return &snapshot{uri: s.uri, version: version, text: newTextIndex(text), previous: previous}
}

// analyse returns the snapshot's analysis, computing it the first time.
func (s *snapshot) analyse(srv *Server) *analysis {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.analysis == nil {
		s.analysis = analyse(srv, uriFilename(s.uri), s.text, s.previous)
	}
	return s.analysis
}

// finished returns the snapshot's analysis if it is computed, nil if not
// or while it is being computed.
func (s *snapshot) finished() *analysis {
	if !s.mu.TryLock() {
		return nil
	}
	defer s.mu.Unlock()
	return s.analysis
}

// recentAnalysis returns this version's analysis when it is ready and
// otherwise the previous version's, so that completion, hover and
// signature help answer at once while someone types; the background
// analysis catches up. Their results check analysis.matches before they
// use positions of the tree.
func (s *snapshot) recentAnalysis(srv *Server) *analysis {
	if a := s.finished(); a != nil {
		return a
	}
	if s.previous != nil {
		return s.previous
	}
	return s.analyse(srv)
}

// findings returns what the linter finds in the snapshot, linting it the
// first time.
func (s *snapshot) findings(srv *Server) []lint.Finding {
	s.lintOnce.Do(func() {
		s.lint = lint.File(uriFilename(s.uri), []byte(s.text.text), srv.lintConfig())
	})
	return s.lint
}
