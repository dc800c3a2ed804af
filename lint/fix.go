package lint

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// ApplyFixes applies the fixes of findings to src and returns the result
// and how many fixes were applied. A fix is applied whole or not at all:
// one with an edit that overlaps an edit of a fix applied before it, or
// that falls outside src, is skipped, so the result is always well-formed
// text (FixAll applies the skipped ones in a later round).
func ApplyFixes(src []byte, findings []Finding) ([]byte, int) {
	type span struct {
		start, end int
		new        string
	}
	var spans []span
	overlaps := func(s span) bool {
		for _, t := range spans {
			if s.start < t.end && t.start < s.end || s.start == t.start {
				return true
			}
		}
		return false
	}
	applied := 0
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		var fixSpans []span
		ok := true
		for _, e := range f.Fix.Edits {
			start, okStart := offset(src, e.Pos)
			end, okEnd := offset(src, e.End)
			s := span{start, end, e.New}
			if !okStart || !okEnd || end < start || overlaps(s) {
				ok = false
				break
			}
			fixSpans = append(fixSpans, s)
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
		out = append(out, src[last:s.start]...)
		out = append(out, s.new...)
		last = s.end
	}
	out = append(out, src[last:]...)
	return out, applied
}

// fixRounds bounds FixAll: each round applies the fixes that do not
// overlap an earlier one, and the next finds those left.
const fixRounds = 4

// FixAll lints src and applies its safe fixes until none is left, and
// returns the result and how many fixes were applied.
func FixAll(filename string, src []byte, cfg Config) ([]byte, int) {
	total := 0
	for range fixRounds {
		fixed, n := ApplyFixes(src, File(filename, src, cfg))
		if n == 0 {
			break
		}
		src, total = fixed, total+n
	}
	return src, total
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
