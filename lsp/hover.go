package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
)

// Hover shows the signature and documentation of builtins, methods,
// module members, keyword arguments and the script's own functions
// (with their docstrings).

func (s *Server) hover(_ *glsp.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	a := doc.recentAnalysis(s)
	t := targetAt(a, doc.text, doc.text.offset(params.Position))
	if t == nil {
		return nil, nil
	}
	md := s.hoverMarkdown(a, doc.text, t)
	if md == "" {
		return nil, nil
	}
	return &protocol.Hover{Contents: markdown(md), Range: targetRange(doc.text, t)}, nil
}

func (s *Server) hoverMarkdown(a *analysis, text *textIndex, t *target) string {
	switch {
	case t.receiver != nil:
		owner := s.table.Type(a.typer.typeOf(t.receiver))
		if owner == nil {
			return ""
		}
		if m := s.table.Method(owner.Name, t.name); m != nil {
			return lang.FuncEntry(owner, m).Render(lang.Markdown)
		}
		if attr := s.table.Attr(owner.Name, t.name); attr != nil {
			return lang.ValueEntry(owner, attr).Render(lang.Markdown)
		}
		return ""
	case t.keyword:
		return keywordMarkdown(a, t)
	}
	if b := a.bindingOf(text, t); b != nil {
		return bindingMarkdown(a, b)
	}
	if b := a.globalBinding(t.name); b != nil {
		return bindingMarkdown(a, b)
	}
	return s.globalMarkdown(a, t.name)
}

// globalMarkdown documents a name the script does not bind.
func (s *Server) globalMarkdown(a *analysis, name string) string {
	if a.typer.machines[name] || name == lang.MachineAlias {
		if ty := s.table.Type(lang.MachineType); ty != nil {
			// A machine is a value of the Machine type, documented by it.
			machine := &lang.Attr{Name: name, Type: ty.Name, Doc: ty.Doc}
			return lang.ValueEntry(nil, machine).Render(lang.Markdown)
		}
	}
	if e, ok := s.table.GlobalEntry(name); ok {
		return e.Render(lang.Markdown)
	}
	if lang.IsStarlarkBuiltin(name) {
		return lang.CodeBlock(name, lang.Markdown) + "\n\nStarlark built-in."
	}
	return ""
}

// bindingMarkdown documents a name the script binds: its def with the
// docstring, or where it is first assigned and its type when known.
func bindingMarkdown(a *analysis, b *resolve.Binding) string {
	name := b.First.Name
	if def := a.typer.defs[name]; def != nil && def.Name == b.First {
		return defMarkdown(a.treeText, def)
	}
	kind := "global"
	if b.Scope != resolve.Global {
		kind = "local"
	}
	decl := name
	if t := a.typer.bound[name]; t != "" {
		decl += ": " + t
	}
	return lang.CodeBlock(decl, lang.Markdown) + fmt.Sprintf("\n\nA %s of the script, first bound on line %d.", kind, b.First.NamePos.Line)
}

// keywordMarkdown documents the parameter a keyword argument names.
func keywordMarkdown(a *analysis, t *target) string {
	_, fn := a.typer.resolve(t.call.callee)
	if fn == nil {
		return ""
	}
	for _, p := range fn.Params {
		if p.Name == t.name {
			return lang.CodeBlock(p.Declaration(), lang.Markdown) + "\n\n" + p.Doc
		}
	}
	return ""
}
