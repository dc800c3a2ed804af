package lsp

import (
	protocol "github.com/tliron/glsp/protocol_3_16"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// target is the name under the cursor, for hover and go to definition.
type target struct {
	name       string
	start, end int // byte offsets of the name
	// receiver is the expression left of a dot before the name, nil for a
	// bare name.
	receiver chain
	// call is the call whose argument list holds the name.
	call *call
	// keyword is true for the name of a keyword argument (`timeout=`).
	keyword bool
}

// targetAt finds the name at an offset; nil when there is none or it is
// in a string or a comment.
func targetAt(a *analysis, text *textIndex, offset int) *target {
	lineStart, lineEnd := text.lineBounds(text.lineOf(offset))
	start, end := offset, offset
	for start > lineStart && isIdentPart(text.text[start-1]) {
		start--
	}
	for end < lineEnd && isIdentPart(text.text[end]) {
		end++
	}
	if start == end || !isIdentStart(text.text[start]) {
		return nil
	}
	name := text.text[start:end]
	if isKeyword(name) {
		return nil
	}
	cur := scanTo(text.text, a.scanStart(text, start), start)
	if cur.inert {
		return nil
	}
	t := &target{name: name, start: start, end: end, call: cur.innermostCall()}
	if n := len(cur.tokens); n > 0 && cur.tokens[n-1].text == "." {
		t.receiver = cur.chainBefore(n - 1)
		if t.receiver == nil {
			return nil
		}
	}
	if t.call != nil && t.receiver == nil {
		rest := text.text[end:lineEnd]
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			rest = rest[1:]
		}
		t.keyword = len(rest) > 0 && rest[0] == '=' && (len(rest) == 1 || rest[1] != '=')
	}
	return t
}

// identAt returns the identifier of the tree at a 1-based line and rune
// column, or nil.
func identAt(tree *syntax.File, line, col int) *syntax.Ident {
	var found *syntax.Ident
	for _, stmt := range tree.Stmts {
		start, end := stmt.Span()
		if int(start.Line) > line || int(end.Line) < line {
			continue
		}
		syntax.Walk(stmt, func(n syntax.Node) bool {
			if found != nil {
				return false
			}
			if id, ok := n.(*syntax.Ident); ok && int(id.NamePos.Line) == line &&
				int(id.NamePos.Col) <= col && col < int(id.NamePos.Col)+len([]rune(id.Name)) {
				found = id
			}
			return true
		})
	}
	return found
}

// bindingOf returns the resolver's binding of the name the target is, when
// the tree matches the text; nil otherwise or for a predeclared name.
func (a *analysis) bindingOf(text *textIndex, t *target) *resolve.Binding {
	if !a.matches(text) || t.receiver != nil || t.keyword {
		return nil
	}
	pos := text.position(t.start)
	line := int(pos.Line) + 1
	lineStart, _ := text.lineBounds(int(pos.Line))
	col := len([]rune(text.text[lineStart:t.start])) + 1
	id := identAt(a.tree, line, col)
	if id == nil {
		return nil
	}
	b, ok := id.Binding.(*resolve.Binding)
	if !ok || b.First == nil {
		return nil
	}
	return b
}

// globalBinding returns the first binding of a global the script assigns,
// for when the tree does not match the text.
func (a *analysis) globalBinding(name string) *resolve.Binding {
	if a.tree == nil {
		return nil
	}
	m, ok := a.tree.Module.(*resolve.Module)
	if !ok {
		return nil
	}
	for _, b := range m.Globals {
		if b.First != nil && b.First.Name == name {
			return b
		}
	}
	return nil
}

// targetRange is the range of the target's name.
func targetRange(text *textIndex, t *target) *protocol.Range {
	return &protocol.Range{Start: text.position(t.start), End: text.position(t.end)}
}
