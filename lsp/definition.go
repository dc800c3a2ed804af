package lsp

import (
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"go.starlark.net/resolve"
)

// Go to definition jumps from a name the script binds to where it is first
// bound: a def, an assignment, a loop variable, a parameter. Builtins and
// machines from start scripts have no place in the script, so there is no
// answer for them.

func (s *Server) definition(_ *glsp.Context, params *protocol.DefinitionParams) (any, error) {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	a := doc.analyse(s)
	t := targetAt(a, doc.text, doc.text.offset(params.Position))
	if t == nil || t.receiver != nil || t.keyword {
		return nil, nil
	}
	b := a.bindingOf(doc.text, t)
	if b == nil {
		b = a.globalBinding(t.name)
	}
	if b == nil {
		return nil, nil
	}
	return protocol.Location{URI: doc.uri, Range: bindingRange(a, b)}, nil
}

// bindingRange is the range of the name where a binding is first made.
func bindingRange(a *analysis, b *resolve.Binding) protocol.Range {
	return nodeRange(a.treeText, b.First)
}
