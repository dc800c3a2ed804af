package vmtest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the type of a TOML value.
type Kind int

const (
	String Kind = iota
	Integer
	Boolean
	Array
	Table
)

func (k Kind) String() string {
	return [...]string{"a string", "an integer", "a boolean", "an array", "a table"}[k]
}

// Value is a TOML value and the line it starts on.
type Value struct {
	Kind  Kind
	Line  int
	Str   string
	Int   int64
	Bool  bool
	Items []*Value // Array
	// Table: its keys in the order they were written.
	Keys   []string
	Fields map[string]*Value
	// header is set when a [table] header defined the table, inline when
	// it was written { ... }: neither may be extended later.
	header, inline bool
}

// ParseError is a TOML syntax error at a line.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// parseTOML reads the part of TOML that vmtest.toml uses: tables, arrays of
// tables, inline tables, dotted and quoted keys, strings (basic, literal,
// multi-line), integers, booleans and arrays. Floats and dates are errors.
func parseTOML(src string) (*Value, error) {
	if !utf8.ValidString(src) {
		return nil, &ParseError{1, "the file is not valid UTF-8"}
	}
	p := &parser{src: src, line: 1}
	root := newTable(1)
	current := root
	for {
		p.skipSpaceAndNewlines()
		if p.eof() {
			return root, nil
		}
		what := "value"
		var err error
		if p.peek() == '[' {
			what = "table header"
			current, err = p.header(root)
		} else {
			err = p.keyValue(current)
		}
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if !p.eof() && p.peek() != '\n' && !p.at("\r\n") {
			return nil, p.errorf("unexpected %q after the %s (one per line)", p.peek(), what)
		}
	}
}

func newTable(line int) *Value {
	return &Value{Kind: Table, Line: line, Fields: map[string]*Value{}}
}

type parser struct {
	src  string
	pos  int
	line int
}

func (p *parser) eof() bool        { return p.pos >= len(p.src) }
func (p *parser) peek() byte       { return p.src[p.pos] }
func (p *parser) at(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }
func (p *parser) errorf(format string, args ...any) error {
	return &ParseError{p.line, fmt.Sprintf(format, args...)}
}

// skipSpace skips blanks and a comment, up to the end of the line.
func (p *parser) skipSpace() {
	for !p.eof() {
		switch c := p.peek(); {
		case c == ' ' || c == '\t':
			p.pos++
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *parser) skipSpaceAndNewlines() {
	for {
		p.skipSpace()
		switch {
		case p.at("\n"):
			p.pos++
			p.line++
		case p.at("\r\n"):
			p.pos += 2
			p.line++
		default:
			return
		}
	}
}

// header reads [a.b] or [[a.b]] and returns the table that the following
// keys go into.
func (p *parser) header(root *Value) (*Value, error) {
	line := p.line
	array := p.at("[[")
	p.pos++
	if array {
		p.pos++
	}
	p.skipSpace()
	keys, err := p.key()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	closing := "]"
	if array {
		closing = "]]"
	}
	if !p.at(closing) {
		return nil, p.errorf("table header: expected %q", closing)
	}
	p.pos += len(closing)
	t := root
	for i, k := range keys {
		last := i == len(keys)-1
		v, ok := t.Fields[k]
		switch {
		case last && array:
			if !ok {
				v = &Value{Kind: Array, Line: line}
				t.set(k, v)
			} else if v.Kind != Array || (len(v.Items) > 0 && v.Items[0].Kind != Table) || v.inline {
				return nil, &ParseError{line, fmt.Sprintf("[[%s]]: %s is already defined on line %d as %s", strings.Join(keys, "."), k, v.Line, v.Kind)}
			}
			nt := newTable(line)
			nt.header = true
			v.Items = append(v.Items, nt)
			return nt, nil
		case !ok:
			v = newTable(line)
			t.set(k, v)
		case v.Kind == Array && !v.inline && len(v.Items) > 0 && v.Items[0].Kind == Table && !last:
			// [a.b] after [[a]] extends a's last element.
			v = v.Items[len(v.Items)-1]
		case v.Kind != Table || v.inline:
			return nil, &ParseError{line, fmt.Sprintf("[%s]: %s is already defined on line %d as %s", strings.Join(keys, "."), k, v.Line, v.Kind)}
		case last && v.header:
			return nil, &ParseError{line, fmt.Sprintf("table [%s] is defined twice (first on line %d)", strings.Join(keys, "."), v.Line)}
		}
		if last {
			v.header = true
			v.Line = line
		}
		t = v
	}
	return t, nil
}

func (t *Value) set(k string, v *Value) {
	t.Keys = append(t.Keys, k)
	t.Fields[k] = v
}

// keyValue reads key = value into t.
func (p *parser) keyValue(t *Value) error {
	line := p.line
	keys, err := p.key()
	if err != nil {
		return err
	}
	p.skipSpace()
	if !p.at("=") {
		return p.errorf("expected '=' after the key %s", strings.Join(keys, "."))
	}
	p.pos++
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return err
	}
	for _, k := range keys[:len(keys)-1] {
		sub, ok := t.Fields[k]
		switch {
		case !ok:
			sub = newTable(line)
			t.set(k, sub)
		case sub.Kind != Table || sub.inline || sub.header:
			return &ParseError{line, fmt.Sprintf("key %s: %s is already defined on line %d", strings.Join(keys, "."), k, sub.Line)}
		}
		t = sub
	}
	k := keys[len(keys)-1]
	if old, ok := t.Fields[k]; ok {
		return &ParseError{line, fmt.Sprintf("key %s is defined twice (first on line %d)", strings.Join(keys, "."), old.Line)}
	}
	t.set(k, v)
	return nil
}

// key reads a dotted key of bare and quoted parts.
func (p *parser) key() ([]string, error) {
	var keys []string
	for {
		p.skipSpace()
		if p.eof() {
			return nil, p.errorf("expected a key")
		}
		switch c := p.peek(); {
		case c == '"':
			s, err := p.basicString()
			if err != nil {
				return nil, err
			}
			keys = append(keys, s)
		case c == '\'':
			s, err := p.literalString()
			if err != nil {
				return nil, err
			}
			keys = append(keys, s)
		default:
			start := p.pos
			for !p.eof() && isBareKey(p.peek()) {
				p.pos++
			}
			if p.pos == start {
				return nil, p.errorf("expected a key, found %q", c)
			}
			keys = append(keys, p.src[start:p.pos])
		}
		p.skipSpace()
		if !p.at(".") {
			return keys, nil
		}
		p.pos++
	}
}

func isBareKey(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (p *parser) value() (*Value, error) {
	line := p.line
	if p.eof() {
		return nil, p.errorf("expected a value")
	}
	switch c := p.peek(); {
	case p.at(`"""`):
		s, err := p.multilineString(`"""`)
		return &Value{Kind: String, Line: line, Str: s}, err
	case p.at(`'''`):
		s, err := p.multilineString(`'''`)
		return &Value{Kind: String, Line: line, Str: s}, err
	case c == '"':
		s, err := p.basicString()
		return &Value{Kind: String, Line: line, Str: s}, err
	case c == '\'':
		s, err := p.literalString()
		return &Value{Kind: String, Line: line, Str: s}, err
	case c == '[':
		return p.array()
	case c == '{':
		return p.inlineTable()
	case p.at("true"):
		p.pos += 4
		return &Value{Kind: Boolean, Line: line, Bool: true}, nil
	case p.at("false"):
		p.pos += 5
		return &Value{Kind: Boolean, Line: line}, nil
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return p.integer()
	}
	return nil, p.errorf("expected a value (a string, an integer, a boolean, an array or an inline table), found %q", p.peek())
}

// integer reads a decimal, 0x, 0o or 0b integer with optional underscores.
func (p *parser) integer() (*Value, error) {
	start, line := p.pos, p.line
	for !p.eof() && strings.IndexByte("+-_0123456789abcdefABCDEFxob.:T", p.peek()) >= 0 {
		p.pos++
	}
	text := p.src[start:p.pos]
	if strings.ContainsAny(text, ".:T") || strings.ContainsAny(strings.TrimLeft(text, "+-"), "+-") || strings.ContainsAny(strings.TrimPrefix(text, "0x"), "eE") && !strings.HasPrefix(text, "0x") {
		return nil, &ParseError{line, fmt.Sprintf("%s: floats and dates are not supported here", text)}
	}
	clean := strings.ReplaceAll(text, "_", "")
	if strings.HasPrefix(text, "_") || strings.HasSuffix(text, "_") || strings.Contains(text, "__") {
		return nil, &ParseError{line, fmt.Sprintf("%s: underscores must stand between digits", text)}
	}
	base := 10
	digits := clean
	for prefix, b := range map[string]int{"0x": 16, "0o": 8, "0b": 2} {
		if strings.HasPrefix(clean, prefix) {
			base, digits = b, clean[2:]
		}
	}
	if base == 10 && len(strings.TrimLeft(digits, "+-")) > 1 && strings.HasPrefix(strings.TrimLeft(digits, "+-"), "0") {
		return nil, &ParseError{line, fmt.Sprintf("%s: leading zeros are not allowed", text)}
	}
	n, err := strconv.ParseInt(digits, base, 64)
	if err != nil || digits == "" {
		return nil, &ParseError{line, fmt.Sprintf("%s is not an integer", text)}
	}
	return &Value{Kind: Integer, Line: line, Int: n}, nil
}

func (p *parser) array() (*Value, error) {
	v := &Value{Kind: Array, Line: p.line, inline: true}
	p.pos++ // [
	for {
		p.skipSpaceAndNewlines()
		if p.eof() {
			return nil, &ParseError{v.Line, "the array is not closed with ']'"}
		}
		if p.peek() == ']' {
			p.pos++
			return v, nil
		}
		item, err := p.value()
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, item)
		p.skipSpaceAndNewlines()
		switch {
		case p.eof():
			return nil, &ParseError{v.Line, "the array is not closed with ']'"}
		case p.at(","):
			p.pos++
		case p.at("]"):
		default:
			return nil, p.errorf("array: expected ',' or ']'")
		}
	}
}

// inlineTable reads { k = v, ... } on one line.
func (p *parser) inlineTable() (*Value, error) {
	t := newTable(p.line)
	t.inline = true
	p.pos++ // {
	p.skipSpace()
	if p.at("}") {
		p.pos++
		return t, nil
	}
	for {
		if err := p.keyValue(t); err != nil {
			return nil, err
		}
		p.skipSpace()
		switch {
		case p.at(","):
			p.pos++
		case p.at("}"):
			p.pos++
			return t, nil
		default:
			return nil, p.errorf("inline table: expected ',' or '}' (an inline table stays on one line)")
		}
	}
}

func (p *parser) literalString() (string, error) {
	p.pos++
	start := p.pos
	for !p.eof() && p.peek() != '\'' {
		if p.peek() == '\n' {
			return "", p.errorf("the string is not closed before the end of the line")
		}
		p.pos++
	}
	if p.eof() {
		return "", p.errorf("the string is not closed")
	}
	s := p.src[start:p.pos]
	p.pos++
	return s, nil
}

func (p *parser) basicString() (string, error) {
	p.pos++
	var b strings.Builder
	for {
		if p.eof() || p.peek() == '\n' {
			return "", p.errorf("the string is not closed before the end of the line")
		}
		c := p.peek()
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// escape reads a backslash escape of a basic string into b.
func (p *parser) escape(b *strings.Builder) error {
	p.pos++ // backslash
	if p.eof() {
		return p.errorf("the string ends in a backslash")
	}
	c := p.peek()
	p.pos++
	simple := map[byte]byte{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\', 'e': 0x1b}
	if r, ok := simple[c]; ok {
		b.WriteByte(r)
		return nil
	}
	width := map[byte]int{'u': 4, 'U': 8}[c]
	if width == 0 || p.pos+width > len(p.src) {
		return p.errorf("unknown escape \\%c in a string (write \\\\ for a backslash, or use a 'literal string')", c)
	}
	n, err := strconv.ParseUint(p.src[p.pos:p.pos+width], 16, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return p.errorf("\\%c%s is not a Unicode character", c, p.src[p.pos:p.pos+width])
	}
	p.pos += width
	b.WriteRune(rune(n))
	return nil
}

// multilineString reads """...""" or ”'...”': a newline right after the
// opening quotes is dropped; in the basic form, a backslash at the end of a
// line joins it to the next non-blank character.
func (p *parser) multilineString(quote string) (string, error) {
	line := p.line
	p.pos += 3
	if p.at("\n") || p.at("\r\n") {
		p.skipNewline()
	}
	var b strings.Builder
	for {
		if p.eof() {
			return "", &ParseError{line, "the multi-line string is not closed with " + quote}
		}
		if p.at(quote) {
			p.pos += 3
			// Up to two quotes right before the closing ones belong to the string.
			for i := 0; i < 2 && p.at(quote[:1]); i++ {
				b.WriteByte(quote[0])
				p.pos++
			}
			return b.String(), nil
		}
		c := p.peek()
		switch {
		case c == '\n' || p.at("\r\n"):
			p.skipNewline()
			b.WriteByte('\n')
		case c == '\\' && quote == `"""`:
			rest := strings.TrimLeft(p.src[p.pos+1:], " \t")
			if strings.HasPrefix(rest, "\n") || strings.HasPrefix(rest, "\r\n") {
				p.pos++
				for !p.eof() && strings.IndexByte(" \t\r\n", p.peek()) >= 0 {
					if p.peek() == '\n' {
						p.line++
					}
					p.pos++
				}
				continue
			}
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func (p *parser) skipNewline() {
	if p.at("\r\n") {
		p.pos++
	}
	p.pos++
	p.line++
}
