package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Text synchronisation: the server announces incremental sync and applies
// each change in order, whole-text changes and ranged edits alike.

func (s *Server) didOpen(_ *glsp.Context, params *protocol.DidOpenTextDocumentParams) error {
	doc := &snapshot{
		uri:     params.TextDocument.URI,
		version: params.TextDocument.Version,
		text:    newTextIndex(params.TextDocument.Text),
	}
	s.docs.put(doc)
	s.docs.analyseSoon(s, doc.uri)
	s.diags.schedule(doc, 0)
	return nil
}

func (s *Server) didChange(_ *glsp.Context, params *protocol.DidChangeTextDocumentParams) error {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return err
	}
	// Each ranged change is applied to the text the one before made; the
	// document's own index serves the first.
	index := doc.text
	text := index.text
	for i, change := range params.ContentChanges {
		if index == nil {
			index = newTextIndex(text)
		}
		text, err = applyChange(index, change)
		if err != nil {
			return fmt.Errorf("change %d of %s version %d: %w", i, params.TextDocument.URI, params.TextDocument.Version, err)
		}
		index = nil
	}
	next := doc.next(params.TextDocument.Version, text)
	s.docs.put(next)
	s.docs.analyseSoon(s, next.uri)
	s.diags.schedule(next, s.diags.delay)
	return nil
}

// applyChange applies one content change to the text index holds.
func applyChange(index *textIndex, change any) (string, error) {
	text := index.text
	switch c := change.(type) {
	case protocol.TextDocumentContentChangeEventWhole:
		return c.Text, nil
	case protocol.TextDocumentContentChangeEvent:
		start, end := index.offset(c.Range.Start), index.offset(c.Range.End)
		if end < start {
			return "", fmt.Errorf("range %d:%d-%d:%d ends before it starts",
				c.Range.Start.Line, c.Range.Start.Character, c.Range.End.Line, c.Range.End.Character)
		}
		return text[:start] + c.Text + text[end:], nil
	}
	return "", fmt.Errorf("unknown change of type %T", change)
}

func (s *Server) didClose(_ *glsp.Context, params *protocol.DidCloseTextDocumentParams) error {
	if !s.docs.remove(params.TextDocument.URI) {
		return fmt.Errorf("document %s is not open", params.TextDocument.URI)
	}
	s.diags.clear(params.TextDocument.URI)
	return nil
}
