package convert

import "strings"

// logicalLine is one Python statement line: its tokens up to and without
// the tNewline, comments included.
type logicalLine struct {
	tokens []token
	// indent is the whitespace before the first token on its line.
	indent string
	// start is the offset of the first physical line's first byte, end
	// that of the newline token.
	start, end int
}

// code returns the tokens that are not comments.
func (l *logicalLine) code() []token {
	var out []token
	for _, t := range l.tokens {
		if t.Kind != tComment {
			out = append(out, t)
		}
	}
	return out
}

// first returns the first code token's text, or "".
func (l *logicalLine) first() string {
	if c := l.code(); len(c) > 0 {
		return c[0].Text
	}
	return ""
}

// splitLines groups tokens into logical lines. Comment-only lines belong
// to no logical line.
func splitLines(src string, tokens []token) []*logicalLine {
	var lines []*logicalLine
	var cur []token
	for _, t := range tokens {
		if t.Kind == tNewline {
			if len(cur) > 0 {
				first := cur[0]
				lineStart := strings.LastIndexByte(src[:first.Start], '\n') + 1
				lines = append(lines, &logicalLine{tokens: cur, indent: src[lineStart:first.Start], start: lineStart, end: t.Start})
			}
			cur = nil
			continue
		}
		if t.Kind == tComment && len(cur) == 0 {
			continue
		}
		cur = append(cur, t)
	}
	return lines
}
