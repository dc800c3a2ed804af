package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lint"
)

// Code actions offer the fixes `vmt lint --fix` would apply (renaming a
// deprecated method, rewriting a Python habit) as quick fixes of their
// diagnostics.

func (s *Server) codeAction(_ *glsp.Context, params *protocol.CodeActionParams) (any, error) {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	actions := []protocol.CodeAction{}
	for _, f := range doc.findings(s) {
		if f.Fix == nil {
			continue
		}
		diagnostic := toDiagnostic(doc.text, f)
		if !overlaps(diagnostic.Range, params.Range) {
			continue
		}
		edits := make([]protocol.TextEdit, len(f.Fix.Edits))
		for i, e := range f.Fix.Edits {
			edits[i] = protocol.TextEdit{
				Range: protocol.Range{
					Start: doc.text.starlarkPosition(e.Pos.Line, e.Pos.Col),
					End:   doc.text.starlarkPosition(e.End.Line, e.End.Col),
				},
				NewText: e.New,
			}
		}
		kind := protocol.CodeActionKindQuickFix
		actions = append(actions, protocol.CodeAction{
			Title:       fixTitle(f),
			Kind:        &kind,
			Diagnostics: []protocol.Diagnostic{diagnostic},
			IsPreferred: &protocol.True,
			Edit:        &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{doc.uri: edits}},
		})
	}
	return actions, nil
}

// fixTitle names a fix in the editor's menu.
func fixTitle(f lint.Finding) string {
	if f.Fix.Title != "" {
		return f.Fix.Title
	}
	if len(f.Fix.Edits) == 1 && f.Fix.Edits[0].New != "" {
		return fmt.Sprintf("Replace with %s", f.Fix.Edits[0].New)
	}
	return "Fix: " + f.Message
}

// overlaps reports whether two ranges share a position; an empty range
// (the cursor) overlaps the ranges it touches.
func overlaps(a, b protocol.Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

func before(p, q protocol.Position) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Character < q.Character
}
