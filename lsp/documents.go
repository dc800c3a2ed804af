package lsp

import (
	"fmt"
	"sync"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// snapshot is one version of an open document. Its text never changes; an
// edit makes a new snapshot.
type snapshot struct {
	uri     protocol.DocumentUri
	version protocol.Integer
	text    *textIndex

	mu sync.Mutex
	// analysis is computed on first use; lastGood is the newest analysis of
	// an earlier version that had a tree, for when this one does not parse.
	analysis *analysis
	lastGood *analysis
}

// documents holds the open documents. Handlers run one at a time, but the
// diagnostics goroutines read snapshots too.
type documents struct {
	mu   sync.Mutex
	open map[protocol.DocumentUri]*snapshot
}

func newDocuments() *documents {
	return &documents{open: map[protocol.DocumentUri]*snapshot{}}
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

// next makes the snapshot following s with the given text.
func (s *snapshot) next(version protocol.Integer, text string) *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	lastGood := s.lastGood
	if s.analysis != nil && s.analysis.tree != nil {
		lastGood = s.analysis
	}
	return &snapshot{uri: s.uri, version: version, text: newTextIndex(text), lastGood: lastGood}
}

// analyse returns the snapshot's analysis, computing it the first time.
func (s *snapshot) analyse(srv *Server) *analysis {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.analysis == nil {
		machines := srv.machinesOf(s)
		s.analysis = analyse(srv.table, uriFilename(s.uri), s.text, machines, s.lastGood)
	}
	return s.analysis
}
