package lsp

import "strings"

// The cursor scanner reads the text before the cursor token by token. It is
// what completion, hover and signature help use instead of the syntax
// tree, because the line being typed (`machine.wa`, `wait_for_unit(`) is
// exactly the one that does not parse.

type tokenKind uint8

const (
	tokIdent tokenKind = iota
	tokNumber
	tokString
	tokOp
)

type token struct {
	kind       tokenKind
	text       string
	start, end int // byte offsets
}

// frame is an open bracket before the cursor.
type frame struct {
	open byte // '(', '[' or '{'
	at   int  // index of the opening token in cursor.tokens
	// args counts the commas at this depth: the argument being typed.
	args int
	// keywords are the keyword arguments given so far, keyword the one
	// being typed ("" for a positional argument).
	keywords []string
	keyword  string
}

// cursor is what the scanner learnt about the text before an offset.
type cursor struct {
	// inert is true inside a string or a comment: no language features
	// apply there.
	inert bool
	// tokens of the logical line the cursor is on, up to the cursor.
	tokens []token
	frames []frame
}

// scanTo scans text from a statement's start up to offset.
func scanTo(text string, from, offset int) *cursor {
	c := &cursor{}
	s := text[:offset]
	lineStart := true
	for i := from; i < len(s); {
		ch := s[i]
		if lineStart {
			lineStart = false
			// A broken buffer often has a bracket that never closes; a
			// line starting at column 0 with a name starts a new
			// statement in practice, so the brackets are forgotten.
			if len(c.frames) > 0 && isIdentStart(ch) {
				c.reset()
			}
		}
		switch {
		case ch == '\n' || ch == '\r':
			i++
			lineStart = true
			if len(c.frames) == 0 {
				c.reset()
			}
		case ch == ' ' || ch == '\t' || ch == '\f':
			i++
		case ch == '\\' && i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r'):
			// A line continuation: the logical line goes on.
			i += 2
			if s[i-1] == '\r' && i < len(s) && s[i] == '\n' {
				i++
			}
		case ch == '#':
			end := strings.IndexAny(s[i:], "\r\n")
			if end < 0 {
				c.inert = true
				return c
			}
			i += end
		case ch == '"' || ch == '\'':
			end, closed := stringEnd(s, i)
			if !closed && end == len(s) {
				c.inert = true
				return c
			}
			c.push(token{kind: tokString, text: s[i:end], start: i, end: end})
			i = end
		case isIdentStart(ch):
			end := i + 1
			for end < len(s) && isIdentPart(s[end]) {
				end++
			}
			c.push(token{kind: tokIdent, text: s[i:end], start: i, end: end})
			i = end
		case ch >= '0' && ch <= '9' || ch == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			end := numberEnd(s, i)
			c.push(token{kind: tokNumber, text: s[i:end], start: i, end: end})
			i = end
		default:
			end := i + 1
			if end < len(s) && (s[end] == '=' && strings.IndexByte("=!<>+-*/%&|^", ch) >= 0 ||
				s[end] == ch && (ch == '*' || ch == '/' || ch == '<' || ch == '>')) {
				end++
			}
			c.push(token{kind: tokOp, text: s[i:end], start: i, end: end})
			i = end
		}
	}
	return c
}

func (c *cursor) reset() {
	c.tokens = c.tokens[:0]
	c.frames = c.frames[:0]
}

// push appends a token and keeps the bracket frames up to date.
func (c *cursor) push(t token) {
	c.tokens = append(c.tokens, t)
	if t.kind != tokOp {
		return
	}
	switch t.text {
	case "(", "[", "{":
		c.frames = append(c.frames, frame{open: t.text[0], at: len(c.tokens) - 1})
	case ")", "]", "}":
		if len(c.frames) > 0 {
			c.frames = c.frames[:len(c.frames)-1]
		}
	case ",":
		if f := c.top(); f != nil {
			f.args++
			f.keyword = ""
		}
	case "=":
		// name= right after the bracket or a comma is a keyword argument.
		f := c.top()
		n := len(c.tokens)
		if f == nil || f.open != '(' || n < 3 || c.tokens[n-2].kind != tokIdent {
			return
		}
		if before := n - 3; before == f.at || c.tokens[before].text == "," {
			f.keyword = c.tokens[n-2].text
			f.keywords = append(f.keywords, f.keyword)
		}
	}
}

// positionalArgs counts the arguments before the current one that were
// passed by position.
func (f *frame) positionalArgs() int {
	completedKeywords := len(f.keywords)
	if f.keyword != "" {
		completedKeywords--
	}
	return f.args - completedKeywords
}

func (c *cursor) top() *frame {
	if len(c.frames) == 0 {
		return nil
	}
	return &c.frames[len(c.frames)-1]
}

// stringEnd returns the offset after the string literal starting at i and
// whether it was closed. An unclosed one-line string ends at the line
// break, so that one broken line does not swallow the rest of the script.
func stringEnd(s string, i int) (int, bool) {
	q := s[i]
	triple := strings.HasPrefix(s[i:], strings.Repeat(string(q), 3))
	j := i + 1
	if triple {
		j = i + 3
	}
	for j < len(s) {
		switch ch := s[j]; {
		case ch == '\\':
			j += 2
		case ch == q && !triple:
			return j + 1, true
		case ch == q && strings.HasPrefix(s[j:], strings.Repeat(string(q), 3)):
			return j + 3, true
		case (ch == '\n' || ch == '\r') && !triple:
			return j, false
		default:
			j++
		}
	}
	return len(s), false
}

// numberEnd returns the offset after a number literal; it is generous
// (1.5e-3, 0x1F, 1_000) since only the end matters.
func numberEnd(s string, i int) int {
	j := i
	for j < len(s) {
		ch := s[j]
		if isIdentPart(ch) || ch == '.' {
			j++
			continue
		}
		if (ch == '+' || ch == '-') && (s[j-1] == 'e' || s[j-1] == 'E') && !strings.HasPrefix(strings.ToLower(s[i:]), "0x") {
			j++
			continue
		}
		break
	}
	return j
}

func isIdentStart(ch byte) bool {
	return ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= 0x80
}

func isIdentPart(ch byte) bool {
	return isIdentStart(ch) || ch >= '0' && ch <= '9'
}

// keywords are Starlark's reserved words and the constants scripts write.
var keywords = []string{
	"and", "break", "continue", "def", "elif", "else", "for", "if", "in",
	"lambda", "load", "not", "or", "pass", "return", "while",
	"True", "False", "None",
}

func isKeyword(name string) bool {
	for _, k := range keywords {
		if k == name {
			return true
		}
	}
	return false
}

// chainBefore parses the dotted expression ending with token end-1,
// backwards: `machines[0].succeed` or `machine`. It returns nil when the
// tokens there are not such an expression.
func (c *cursor) chainBefore(end int) chain {
	var reversed chain
	i := end - 1
	for {
		var suffixes []byte
		for i >= 0 && c.tokens[i].kind == tokOp && (c.tokens[i].text == ")" || c.tokens[i].text == "]") {
			open := c.matchingOpen(i)
			if open < 0 {
				return nil
			}
			suffixes = append([]byte{c.tokens[open].text[0]}, suffixes...)
			i = open - 1
		}
		if i < 0 || c.tokens[i].kind != tokIdent || isKeyword(c.tokens[i].text) {
			return nil
		}
		reversed = append(reversed, segment{name: c.tokens[i].text, suffixes: suffixes})
		i--
		if i < 0 || c.tokens[i].text != "." {
			break
		}
		i--
	}
	out := make(chain, len(reversed))
	for k, seg := range reversed {
		out[len(reversed)-1-k] = seg
	}
	return out
}

// matchingOpen returns the index of the bracket opening the one closed at
// token i, or -1.
func (c *cursor) matchingOpen(i int) int {
	depth := 0
	for j := i; j >= 0; j-- {
		if c.tokens[j].kind != tokOp {
			continue
		}
		switch c.tokens[j].text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// call describes the innermost call whose argument list holds the cursor.
type call struct {
	callee chain
	frame  *frame
}

// innermostCall returns the call the cursor is in, or nil when the
// innermost bracket is not a call's (a list, a def's parameters, `if (`).
func (c *cursor) innermostCall() *call {
	f := c.top()
	if f == nil || f.open != '(' {
		return nil
	}
	callee := c.chainBefore(f.at)
	if callee == nil {
		return nil
	}
	// `def name(` lists parameters, it is not a call.
	if f.at >= 2 && c.tokens[f.at-2].text == "def" {
		return nil
	}
	return &call{callee: callee, frame: f}
}
