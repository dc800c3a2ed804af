package lsp

import (
	"fmt"
	vmtanalysis "github.com/vmt-dev/vmt/analysis"

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
			return funcMarkdown(owner, m)
		}
		if attr := s.table.Attr(owner.Name, t.name); attr != nil {
			return valueMarkdown(owner, attr)
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
	if a.typer.machines[name] || name == machineAlias {
		if ty := s.table.Type(vmtanalysis.MachineType); ty != nil {
			return typeMarkdown(name, ty)
		}
	}
	if f := s.table.Func(name); f != nil {
		return funcMarkdown(nil, f)
	}
	if v := s.table.Value(name); v != nil {
		md := valueMarkdown(nil, v)
		if ty := s.table.Type(v.Type); ty != nil && ty.Module {
			md += "\n\n" + ty.Doc
		}
		return md
	}
	if lang.IsStarlarkBuiltin(name) {
		return fmt.Sprintf("```starlark\n%s\n```\n\nStarlark built-in.", name)
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
	return fmt.Sprintf("```starlark\n%s\n```\n\nA %s of the script, first bound on line %d.", decl, kind, b.First.NamePos.Line)
}

// keywordMarkdown documents the parameter a keyword argument names.
func keywordMarkdown(a *analysis, t *target) string {
	_, fn := a.typer.resolve(t.call.callee)
	if fn == nil {
		return ""
	}
	for _, p := range fn.Params {
		if p.Name == t.name {
			md := fmt.Sprintf("```starlark\n%s: %s", p.Name, p.Type)
			if p.Default != "" {
				md += " = " + p.Default
			}
			return md + "\n```\n\n" + p.Doc
		}
	}
	return ""
}
