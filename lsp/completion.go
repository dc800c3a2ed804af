package lsp

import (
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	vmtanalysis "github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// Completion offers, after a dot, the members of the value left of it
// (exactly the Machine methods and attributes after a machine), and
// elsewhere keyword arguments of the call the cursor is in, the script's
// own names, machine names, the table's globals, Starlark's builtins and
// keywords. It works on the text before the cursor token by token, so a
// half-typed line is no obstacle.

func (s *Server) completion(_ *glsp.Context, params *protocol.CompletionParams) (any, error) {
	doc, err := s.docs.get(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	offset := doc.text.offset(params.Position)
	a := doc.recentAnalysis(s)
	cur := scanTo(doc.text.text, a.scanStart(doc.text, offset), offset)
	var items itemList
	if cur.inert {
		return items.encode(), nil
	}
	n := len(cur.tokens)
	// The name being typed is what the items replace.
	if n > 0 && cur.tokens[n-1].kind == tokIdent && cur.tokens[n-1].end == offset {
		n--
	}
	if n > 0 {
		switch last := cur.tokens[n-1]; {
		case last.text == ".":
			items.add(s.memberItems[a.typer.typeOf(cur.chainBefore(n-1))]...)
			return items.encode(), nil
		case last.kind == tokNumber && last.end == offset, last.text == "def":
			// A number is being typed, or a new function named.
			return items.encode(), nil
		}
	}
	if c := cur.innermostCall(); c != nil && n > 0 && (n-1 == c.frame.at || cur.tokens[n-1].text == ",") {
		items.add(encodeItems(keywordArgumentItems(a, c))...)
	}
	items.add(encodeItems(scriptNameItems(a, doc.text, offset))...)
	for _, m := range a.machines {
		items.add(encodeItem(machineItem(m)))
	}
	if len(a.machines) == 1 {
		items.add(encodeItem(machineItem(lang.MachineAlias)))
	}
	items.add(s.globalItems...)
	return items.encode(), nil
}

// globalCompletionItems are the table's globals, Starlark's builtins and
// the keywords.
func globalCompletionItems(table *lang.Table) []encodedItem {
	var items []protocol.CompletionItem
	for _, f := range table.Funcs {
		items = append(items, funcItem(nil, f))
	}
	for _, v := range table.Values {
		kind := protocol.CompletionItemKindVariable
		if ty := table.Type(v.Type); ty != nil && ty.Module {
			kind = protocol.CompletionItemKindModule
		}
		e, _ := table.GlobalEntry(v.Name)
		items = append(items, protocol.CompletionItem{
			Label: v.Name, Kind: &kind, Detail: &v.Type, Documentation: markdown(e.Render(lang.Markdown)),
		})
	}
	builtin := protocol.CompletionItemKindFunction
	detail := "Starlark built-in"
	for _, name := range lang.StarlarkBuiltins() {
		items = append(items, protocol.CompletionItem{Label: name, Kind: &builtin, Detail: &detail})
	}
	keyword := protocol.CompletionItemKindKeyword
	for _, k := range keywords {
		items = append(items, protocol.CompletionItem{Label: k, Kind: &keyword})
	}
	return encodeItems(items)
}

func funcItem(owner *lang.Type, f *lang.Func) protocol.CompletionItem {
	kind := protocol.CompletionItemKindFunction
	if owner != nil && !owner.Module {
		kind = protocol.CompletionItemKindMethod
	}
	detail := f.Signature()
	item := protocol.CompletionItem{Label: f.Name, Kind: &kind, Detail: &detail, Documentation: markdown(lang.FuncEntry(owner, f).Render(lang.Markdown))}
	if f.Deprecated != "" {
		item.Tags = []protocol.CompletionItemTag{protocol.CompletionItemTagDeprecated}
		item.Deprecated = &protocol.True
	}
	return item
}

// memberCompletionItems are the methods and attributes of each type, by
// type name. An unknown type has none, since guessing would offer wrong
// names.
func memberCompletionItems(table *lang.Table) map[string][]encodedItem {
	members := map[string][]encodedItem{}
	for _, ty := range table.Types {
		members[ty.Name] = encodeItems(typeMemberItems(ty))
	}
	return members
}

func typeMemberItems(ty *lang.Type) []protocol.CompletionItem {
	items := []protocol.CompletionItem{}
	for _, m := range ty.Methods {
		items = append(items, funcItem(ty, m))
	}
	field := protocol.CompletionItemKindField
	for _, attr := range ty.Attrs {
		items = append(items, protocol.CompletionItem{
			Label: attr.Name, Kind: &field, Detail: &attr.Type, Documentation: markdown(lang.ValueEntry(ty, attr).Render(lang.Markdown)),
		})
	}
	return items
}

func machineItem(name string) protocol.CompletionItem {
	kind := protocol.CompletionItemKindVariable
	detail := lang.MachineType
	return protocol.CompletionItem{Label: name, Kind: &kind, Detail: &detail}
}

// keywordArgumentSort puts keyword arguments before every other name.
const keywordArgumentSort = "0"

// keywordArgumentItems offers `name=` for each parameter of the called
// function that may be given by keyword and is not given yet.
func keywordArgumentItems(a *analysis, c *call) []protocol.CompletionItem {
	var names []string
	if def := a.scriptDef(c.callee); def != nil {
		for i, p := range def.Params {
			if id := vmtanalysis.ParamIdent(p); id != nil && !isStarParam(p) && i >= c.frame.positionalArgs() {
				names = append(names, id.Name)
			}
		}
	} else if _, fn := a.typer.resolve(c.callee); fn != nil {
		positional := 0
		for _, p := range fn.Params {
			switch p.Kind {
			case lang.Positional:
				// Parameters already given by position are taken.
				if positional >= c.frame.positionalArgs() {
					names = append(names, p.Name)
				}
				positional++
			case lang.KeywordOnly:
				names = append(names, p.Name)
			}
		}
	}
	given := map[string]bool{}
	for _, k := range c.frame.keywords {
		given[k] = true
	}
	kind := protocol.CompletionItemKindProperty
	sortText := keywordArgumentSort
	var items []protocol.CompletionItem
	for _, name := range names {
		if given[name] {
			continue
		}
		insert := name + "="
		items = append(items, protocol.CompletionItem{Label: insert, Kind: &kind, InsertText: &insert, SortText: &sortText})
	}
	return items
}

// scriptDef returns the script's own top-level function a one-name callee
// calls, or nil.
func (a *analysis) scriptDef(callee chain) *syntax.DefStmt {
	if len(callee) != 1 || len(callee[0].suffixes) != 0 {
		return nil
	}
	return a.typer.defs[callee[0].name]
}

// isStarParam reports whether a def parameter is *args, **kwargs or a bare *.
func isStarParam(p syntax.Expr) bool {
	_, ok := p.(*syntax.UnaryExpr)
	return ok
}

// scriptNameItems are the names the script binds: the locals of the
// function the cursor is in, then the globals.
func scriptNameItems(a *analysis, text *textIndex, offset int) []protocol.CompletionItem {
	if a.tree == nil {
		return nil
	}
	var items []protocol.CompletionItem
	if a.matches(text) {
		if fn := enclosingFunction(a.tree, text.lineOf(offset)+1); fn != nil {
			for _, b := range fn.Locals {
				items = append(items, a.bindingItem(b))
			}
		}
	}
	if m, ok := a.tree.Module.(*resolve.Module); ok {
		for _, b := range m.Globals {
			items = append(items, a.bindingItem(b))
		}
	}
	return items
}

func (a *analysis) bindingItem(b *resolve.Binding) protocol.CompletionItem {
	name := b.First.Name
	if def := a.typer.defs[name]; def != nil && def.Name == b.First {
		kind := protocol.CompletionItemKindFunction
		detail := defSignature(a.treeText, def)
		item := protocol.CompletionItem{Label: name, Kind: &kind, Detail: &detail}
		if doc := docstring(def); doc != "" {
			item.Documentation = markdown(doc)
		}
		return item
	}
	kind := protocol.CompletionItemKindVariable
	item := protocol.CompletionItem{Label: name, Kind: &kind}
	if t := a.typer.bound[name]; t != "" {
		item.Detail = &t
	}
	return item
}

// enclosingFunction returns the resolved innermost def holding a 1-based
// line, or nil at top level.
func enclosingFunction(tree *syntax.File, line int) *resolve.Function {
	var found *resolve.Function
	for _, stmt := range tree.Stmts {
		start, end := stmt.Span()
		if int(start.Line) > line || int(end.Line) < line {
			continue
		}
		syntax.Walk(stmt, func(n syntax.Node) bool {
			def, ok := n.(*syntax.DefStmt)
			if !ok {
				return true
			}
			start, end := def.Span()
			if int(start.Line) > line || int(end.Line) < line {
				return false
			}
			if fn, ok := def.Function.(*resolve.Function); ok {
				found = fn
			}
			return true
		})
	}
	return found
}
