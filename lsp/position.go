package lsp

import (
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// textIndex maps between byte offsets in a document and the two ways
// positions are counted: LSP's 0-based line and UTF-16 column, and
// go.starlark.net's 1-based line and rune column.
//
// Lines end at "\n", "\r\n" or a lone "\r", the breaks both LSP and the
// Starlark scanner accept.
type textIndex struct {
	text   string
	starts []int // byte offset of each line's first byte
}

func newTextIndex(text string) *textIndex {
	starts := make([]int, 1, len(text)/32+1)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return &textIndex{text: text, starts: starts}
}

// lineCount is the number of lines; an empty text has one empty line.
func (t *textIndex) lineCount() int { return len(t.starts) }

// lineBounds returns the byte offsets of a line's first byte and of its line
// break (the end of the text on the last line). line is 0-based and clamped.
func (t *textIndex) lineBounds(line int) (start, end int) {
	if line < 0 {
		line = 0
	}
	if line >= len(t.starts) {
		return len(t.text), len(t.text)
	}
	start = t.starts[line]
	if line+1 < len(t.starts) {
		end = t.starts[line+1] - 1
		if end > start && t.text[end] == '\n' && t.text[end-1] == '\r' {
			end--
		}
	} else {
		end = len(t.text)
	}
	return start, end
}

// line returns the text of a 0-based line without its line break.
func (t *textIndex) line(line int) string {
	start, end := t.lineBounds(line)
	return t.text[start:end]
}

// offset converts an LSP position to a byte offset. A line past the end
// means the end of the text and a column past the end of its line means the
// line's end, as the protocol asks; a column inside a surrogate pair counts
// as the start of that character.
func (t *textIndex) offset(pos protocol.Position) int {
	if int(pos.Line) >= len(t.starts) {
		return len(t.text)
	}
	start, end := t.lineBounds(int(pos.Line))
	units := int(pos.Character)
	i := start
	for i < end {
		r, size := utf8.DecodeRuneInString(t.text[i:end])
		w := utf16Len(r)
		if units < w {
			break
		}
		units -= w
		i += size
	}
	return i
}

// position converts a byte offset to an LSP position.
func (t *textIndex) position(offset int) protocol.Position {
	if offset > len(t.text) {
		offset = len(t.text)
	}
	if offset < 0 {
		offset = 0
	}
	line := t.lineOf(offset)
	start, end := t.lineBounds(line)
	if offset > end {
		offset = end
	}
	return protocol.Position{Line: protocol.UInteger(line), Character: protocol.UInteger(utf16Count(t.text[start:offset]))}
}

// lineOf returns the 0-based line holding a byte offset.
func (t *textIndex) lineOf(offset int) int {
	lo, hi := 0, len(t.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.starts[mid] <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// starlarkOffset converts a go.starlark.net position (1-based line, 1-based
// rune column) to a byte offset, clamped to the line.
func (t *textIndex) starlarkOffset(line, col int) int {
	if line-1 >= len(t.starts) {
		return len(t.text)
	}
	start, end := t.lineBounds(line - 1)
	i := start
	for n := 1; n < col && i < end; n++ {
		_, size := utf8.DecodeRuneInString(t.text[i:end])
		i += size
	}
	return i
}

// starlarkPosition converts a go.starlark.net position to an LSP position.
func (t *textIndex) starlarkPosition(line, col int) protocol.Position {
	return t.position(t.starlarkOffset(line, col))
}

// utf16Len is the number of UTF-16 code units of a rune; invalid bytes
// decode to U+FFFD, one unit, as editors show them.
func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

func utf16Count(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}
