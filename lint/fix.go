package lint

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// ApplyFixes applies the fixes of findings to src and returns the result
// and how many fixes were applied. Edits that overlap an earlier one or
// fall outside src are skipped, so the result is always well-formed text.
func ApplyFixes(src []byte, findings []Finding) ([]byte, int) {
	type span struct {
		start, end int
		new        string
	}
	var spans []span
	applied := 0
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		ok := true
		var fixSpans []span
		for _, e := range f.Fix.Edits {
			start, okStart := offset(src, e.Pos)
			end, okEnd := offset(src, e.End)
			if !okStart || !okEnd || end < start {
				ok = false
				break
			}
			fixSpans = append(fixSpans, span{start, end, e.New})
		}
		if ok {
			spans = append(spans, fixSpans...)
			applied++
		}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out []byte
	last := 0
	for _, s := range spans {
		if s.start < last {
			continue // overlaps the previous edit
		}
		out = append(out, src[last:s.start]...)
		out = append(out, s.new...)
		last = s.end
	}
	out = append(out, src[last:]...)
	return out, applied
}

// offset converts a 1-based line and rune column to a byte offset.
func offset(src []byte, pos Position) (int, bool) {
	line, i := 1, 0
	for line < pos.Line {
		nl := bytes.IndexByte(src[i:], '\n')
		if nl < 0 {
			return 0, false
		}
		i += nl + 1
		line++
	}
	for col := 1; col < pos.Col; col++ {
		if i >= len(src) || src[i] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(src[i:])
		i += size
	}
	return i, true
}
