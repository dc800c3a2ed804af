package lsp

import (
	"sort"

	"go.starlark.net/syntax"
)

// scanStart returns where the cursor scanner may start for a cursor at
// offset: the first line of the innermost statement beginning at or before
// the cursor's line. A statement never starts inside a string or a
// bracket, so the scanner's state there is empty, and a request costs the
// length of one statement instead of the whole script. Without a tree
// that matches the text the scan starts at the top.
func (a *analysis) scanStart(text *textIndex, offset int) int {
	if !a.matches(text) {
		return 0
	}
	line := int32(text.lineOf(offset) + 1)
	start := int32(0)
	stmts := a.tree.Stmts
	for len(stmts) > 0 {
		// The last statement starting at or before line.
		i := sort.Search(len(stmts), func(i int) bool {
			first, _ := stmts[i].Span()
			return first.Line > line
		}) - 1
		if i < 0 {
			break
		}
		first, _ := stmts[i].Span()
		start = first.Line
		stmts = nestedStmts(stmts[i], line)
	}
	if start == 0 {
		return 0
	}
	lineStart, _ := text.lineBounds(int(start) - 1)
	return lineStart
}

// nestedStmts returns the block of a compound statement that holds line,
// nil for a simple statement or a line outside its blocks.
func nestedStmts(stmt syntax.Stmt, line int32) []syntax.Stmt {
	var blocks [][]syntax.Stmt
	switch s := stmt.(type) {
	case *syntax.DefStmt:
		blocks = [][]syntax.Stmt{s.Body}
	case *syntax.ForStmt:
		blocks = [][]syntax.Stmt{s.Body}
	case *syntax.WhileStmt:
		blocks = [][]syntax.Stmt{s.Body}
	case *syntax.IfStmt:
		blocks = [][]syntax.Stmt{s.True, s.False}
	}
	// The last block starting at or before line holds it, if any does.
	var found []syntax.Stmt
	for _, block := range blocks {
		if len(block) == 0 {
			continue
		}
		if first, _ := block[0].Span(); first.Line <= line {
			found = block
		}
	}
	return found
}
