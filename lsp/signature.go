package lsp

import (
	"fmt"
	"strings"

	vmtanalysis "github.com/vmt-dev/vmt/analysis"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// Signature help shows the signature of the call the cursor is in, with
// the parameter the argument being typed goes to. Clients ask on `(` and
// `,`; the call is found token by token, so unclosed calls work.

// signature is a callable as signature help shows it.
type signature struct {
	label  string
	doc    string
	params []paramInfo
}

// paramInfo is one parameter of a signature.
type paramInfo struct {
	name  string
	label string // the parameter's text inside the signature's label
	kind  lang.ParamKind
	doc   string
}

func (s *Server) signatureHelp(_ *glsp.Context, params *protocol.SignatureHelpParams) (*protocol.SignatureHelp, error) {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	offset := doc.text.offset(params.Position)
	a := doc.recentAnalysis(s)
	cur := scanTo(doc.text.text, a.scanStart(doc.text, offset), offset)
	if cur.inert {
		return nil, nil
	}
	c := cur.innermostCall()
	if c == nil {
		return nil, nil
	}
	sig := s.signatureOf(a, c.callee)
	if sig == nil {
		return nil, nil
	}
	info := protocol.SignatureInformation{Label: sig.label}
	if sig.doc != "" {
		info.Documentation = markdown(sig.doc)
	}
	// Parameters are located in the label in order, as UTF-16 offsets, so
	// that a name occurring twice is highlighted at the right place.
	from := strings.IndexByte(sig.label, '(') + 1
	for _, p := range sig.params {
		at := strings.Index(sig.label[from:], p.label)
		if at < 0 {
			return nil, fmt.Errorf("parameter %q is missing from signature %q", p.label, sig.label)
		}
		start := from + at
		from = start + len(p.label)
		pi := protocol.ParameterInformation{Label: []protocol.UInteger{
			protocol.UInteger(utf16Count(sig.label[:start])), protocol.UInteger(utf16Count(sig.label[:from])),
		}}
		if p.doc != "" {
			pi.Documentation = markdown(p.doc)
		}
		info.Parameters = append(info.Parameters, pi)
	}
	active := protocol.UInteger(activeParameter(sig.params, c.frame))
	first := protocol.UInteger(0)
	return &protocol.SignatureHelp{
		Signatures:      []protocol.SignatureInformation{info},
		ActiveSignature: &first,
		ActiveParameter: &active,
	}, nil
}

// signatureOf describes what a callee calls: a def of the script or a
// function or method of the table; nil when unknown.
func (s *Server) signatureOf(a *analysis, callee chain) *signature {
	if def := a.scriptDef(callee); def != nil {
		return defSignatureOf(a.treeText, def)
	}
	_, fn := a.typer.resolve(callee)
	if fn == nil {
		return nil
	}
	var owner *lang.Type
	if len(callee) > 1 {
		owner = s.table.Type(a.typer.typeOf(callee[:len(callee)-1]))
	}
	e := lang.FuncEntry(owner, fn)
	sig := &signature{label: e.Declaration(), doc: e.Body(lang.Markdown)}
	for _, p := range fn.Params {
		sig.params = append(sig.params, paramInfo{name: p.Name, label: p.Declaration(), kind: p.Kind, doc: p.Doc})
	}
	return sig
}

// defSignatureOf describes a def of the script from its source.
func defSignatureOf(text *textIndex, def *syntax.DefStmt) *signature {
	sig := &signature{label: defSignature(text, def), doc: docstring(def)}
	kind := lang.Positional
	for _, p := range def.Params {
		info := paramInfo{label: nodeSource(text, p), kind: kind}
		switch p := p.(type) {
		case *syntax.UnaryExpr:
			kind = lang.KeywordOnly
			if p.X == nil {
				// A bare * only marks the keyword-only parameters.
				continue
			}
			info.kind = lang.Variadic
			if p.Op == syntax.STARSTAR {
				info.kind = lang.VarKeyword
			}
		}
		if id := vmtanalysis.ParamIdent(p); id != nil {
			info.name = id.Name
		}
		sig.params = append(sig.params, info)
	}
	return sig
}

// activeParameter returns the index of the parameter the argument being
// typed goes to, len(params) when none does (a surplus argument).
func activeParameter(params []paramInfo, f *frame) int {
	if f.keyword != "" {
		for i, p := range params {
			if p.name == f.keyword && (p.kind == lang.Positional || p.kind == lang.KeywordOnly) {
				return i
			}
		}
		return indexOfKind(params, lang.VarKeyword)
	}
	if len(f.keywords) > 0 {
		// A positional argument after a keyword one goes nowhere.
		return len(params)
	}
	positional := 0
	for i, p := range params {
		switch p.kind {
		case lang.Positional:
			if positional == f.args {
				return i
			}
			positional++
		case lang.Variadic:
			return i
		}
	}
	return len(params)
}

func indexOfKind(params []paramInfo, kind lang.ParamKind) int {
	for i, p := range params {
		if p.kind == kind {
			return i
		}
	}
	return len(params)
}
