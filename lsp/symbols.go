package lsp

import (
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// Document symbols outline a script: its functions, its subtests and its
// top-level assignments. A section opened by `subtest(name)` lasts until
// the next section, `end_subtest()` or the end of the script, and holds the
// symbols defined in it.

const (
	subtestFunc    = "subtest"
	endSubtestFunc = "end_subtest"
)

func (s *Server) documentSymbol(_ *glsp.Context, params *protocol.DocumentSymbolParams) (any, error) {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	a := doc.analyse(s)
	symbols := outline(a)
	if s.hierarchicalSymbols {
		return symbols, nil
	}
	return flatten(doc.uri, symbols, nil, []protocol.SymbolInformation{}), nil
}

// outline builds the symbols of the analysed tree.
func outline(a *analysis) []protocol.DocumentSymbol {
	symbols := []protocol.DocumentSymbol{}
	if a.tree == nil {
		return symbols
	}
	text := a.treeText
	var section *protocol.DocumentSymbol
	var sectionEnd syntax.Node
	closeSection := func() {
		if section != nil {
			section.Range.End = nodeRange(text, sectionEnd).End
			symbols = append(symbols, *section)
			section = nil
		}
	}
	add := func(sym protocol.DocumentSymbol) {
		if section != nil {
			section.Children = append(section.Children, sym)
			return
		}
		symbols = append(symbols, sym)
	}
	for _, stmt := range a.tree.Stmts {
		name, call := subtestCall(stmt)
		if call != nil && name != "" && len(call.Args) == 1 {
			closeSection()
			sym := symbol(name, protocol.SymbolKindNamespace, nodeRange(text, stmt), nodeRange(text, call.Args[0]))
			section, sectionEnd = &sym, stmt
			continue
		}
		if section != nil {
			// Every statement up to the next section belongs to this one.
			sectionEnd = stmt
		}
		switch {
		case call != nil && name != "":
			add(symbol(name, protocol.SymbolKindNamespace, nodeRange(text, stmt), nodeRange(text, call.Args[0])))
		case isCallTo(stmt, endSubtestFunc):
			closeSection()
		default:
			for _, sym := range stmtSymbols(a, stmt) {
				add(sym)
			}
		}
	}
	closeSection()
	return symbols
}

// stmtSymbols are the symbols a top-level statement defines: a function,
// or the names an assignment binds first.
func stmtSymbols(a *analysis, stmt syntax.Stmt) []protocol.DocumentSymbol {
	text := a.treeText
	switch stmt := stmt.(type) {
	case *syntax.DefStmt:
		sym := symbol(stmt.Name.Name, protocol.SymbolKindFunction, nodeRange(text, stmt), nodeRange(text, stmt.Name))
		detail := defSignature(text, stmt)
		sym.Detail = &detail
		return []protocol.DocumentSymbol{sym}
	case *syntax.AssignStmt:
		var syms []protocol.DocumentSymbol
		syntax.Walk(stmt.LHS, func(n syntax.Node) bool {
			id, ok := n.(*syntax.Ident)
			if !ok {
				return true
			}
			// Rebinding a global is not a new symbol.
			if b, ok := id.Binding.(*resolve.Binding); ok && b.First != id {
				return true
			}
			sym := symbol(id.Name, protocol.SymbolKindVariable, nodeRange(text, stmt), nodeRange(text, id))
			if t := a.typer.bound[id.Name]; t != "" {
				sym.Detail = &t
			}
			syms = append(syms, sym)
			return true
		})
		return syms
	}
	return nil
}

// subtestCall returns the name and call of a statement `subtest("name",
// ...)`; the name is "" when it is not a string literal.
func subtestCall(stmt syntax.Stmt) (string, *syntax.CallExpr) {
	call := callOf(stmt, subtestFunc)
	if call == nil || len(call.Args) == 0 {
		return "", nil
	}
	lit, ok := call.Args[0].(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return "", call
	}
	name, _ := lit.Value.(string)
	return name, call
}

func isCallTo(stmt syntax.Stmt, fn string) bool { return callOf(stmt, fn) != nil }

// callOf returns the call of a statement that only calls the global fn.
func callOf(stmt syntax.Stmt, fn string) *syntax.CallExpr {
	expr, ok := stmt.(*syntax.ExprStmt)
	if !ok {
		return nil
	}
	call, ok := expr.X.(*syntax.CallExpr)
	if !ok {
		return nil
	}
	id, ok := call.Fn.(*syntax.Ident)
	if !ok || id.Name != fn {
		return nil
	}
	return call
}

func symbol(name string, kind protocol.SymbolKind, full, selection protocol.Range) protocol.DocumentSymbol {
	return protocol.DocumentSymbol{Name: name, Kind: kind, Range: full, SelectionRange: selection}
}

// flatten turns the outline into the flat list older clients expect.
func flatten(uri protocol.DocumentUri, symbols []protocol.DocumentSymbol, container *string, out []protocol.SymbolInformation) []protocol.SymbolInformation {
	for _, sym := range symbols {
		out = append(out, protocol.SymbolInformation{
			Name:          sym.Name,
			Kind:          sym.Kind,
			Location:      protocol.Location{URI: uri, Range: sym.Range},
			ContainerName: container,
		})
		name := sym.Name
		out = flatten(uri, sym.Children, &name, out)
	}
	return out
}
