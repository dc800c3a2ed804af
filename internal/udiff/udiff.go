// Package udiff renders the difference of two texts as a unified diff, the
// format patch and code review tools read.
package udiff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// context is the number of unchanged lines shown around each change.
const context = 3

type lineOp struct {
	kind byte // ' ', '-' or '+'
	text string
}

// Diff returns the unified diff turning old into new, with the file names
// in its header; "" when they are equal.
func Diff(oldName, newName, old, new string) string {
	if old == new {
		return ""
	}
	ops := lineDiff(old, new)
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldName, newName)
	for start := 0; start < len(ops); {
		// Find the next change.
		for start < len(ops) && ops[start].kind == ' ' {
			start++
		}
		if start == len(ops) {
			break
		}
		from := max(start-context, 0)
		// Extend the hunk while changes are close enough to share context.
		end := start
		for i := start; i < len(ops); i++ {
			if ops[i].kind != ' ' {
				end = i + 1
			} else if i-end >= 2*context {
				break
			}
		}
		to := min(end+context, len(ops))
		writeHunk(&b, ops, from, to)
		start = to
	}
	return b.String()
}

func writeHunk(b *strings.Builder, ops []lineOp, from, to int) {
	oldLine, newLine := 1, 1
	for _, op := range ops[:from] {
		if op.kind != '+' {
			oldLine++
		}
		if op.kind != '-' {
			newLine++
		}
	}
	oldCount, newCount := 0, 0
	for _, op := range ops[from:to] {
		if op.kind != '+' {
			oldCount++
		}
		if op.kind != '-' {
			newCount++
		}
	}
	// An empty side starts at the line before the change, as diff -u does.
	if oldCount == 0 {
		oldLine--
	}
	if newCount == 0 {
		newLine--
	}
	fmt.Fprintf(b, "@@ -%s +%s @@\n", hunkRange(oldLine, oldCount), hunkRange(newLine, newCount))
	for _, op := range ops[from:to] {
		b.WriteByte(op.kind)
		b.WriteString(op.text)
		if !strings.HasSuffix(op.text, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

func hunkRange(start, count int) string {
	if count == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}

// lineDiff diffs the texts line by line with diff-match-patch.
func lineDiff(old, new string) []lineOp {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(old, new)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var ops []lineOp
	for _, d := range diffs {
		kind := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			kind = '-'
		case diffmatchpatch.DiffInsert:
			kind = '+'
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line != "" {
				ops = append(ops, lineOp{kind, line})
			}
		}
	}
	return ops
}
