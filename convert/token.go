package convert

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is the kind of a Python token.
type kind int

const (
	tName kind = iota
	tNumber
	tString
	tOp
	tComment
	// tSplice is a Nix ${...} splice outside a string: an expression.
	tSplice
	// tNewline ends a logical line.
	tNewline
)

// token is one Python token: Text is src[Start:End].
type token struct {
	Kind       kind
	Text       string
	Start, End int
	Line, Col  int // 1-based, Col in bytes as Python counts them
}

// SyntaxError is Python that the converter cannot read, at the position
// Python reports it.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// operators are Python's operators and delimiters, longest first.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">",
	"(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
}

// scanner reads Python source into tokens. With splices set it also reads
// Nix ${...} splices, inside strings and out.
type scanner struct {
	src     string
	pos     int
	line    int
	lineAt  int // offset where the current line starts
	splices bool
	depth   int // open brackets
	tokens  []token
}

// tokenize reads src into tokens, one tNewline at the end of each logical
// line (blank and comment-only lines have none).
func tokenize(src string, splices bool) ([]token, error) {
	s := &scanner{src: src, line: 1, splices: splices}
	if err := s.run(); err != nil {
		return nil, err
	}
	return s.tokens, nil
}

func (s *scanner) errorf(at int, format string, args ...any) error {
	line, col := 1, 1
	for i := 0; i < at && i < len(s.src); i++ {
		if s.src[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// emit adds the token from start to the current position; line and
// lineAt are the line it starts on and that line's offset.
func (s *scanner) emit(k kind, start, line, lineAt int) {
	s.tokens = append(s.tokens, token{Kind: k, Text: s.src[start:s.pos], Start: start, End: s.pos, Line: line, Col: start - lineAt + 1})
}

// lineHasCode reports whether a token other than a comment was emitted
// since the last newline token.
func (s *scanner) lineHasCode() bool {
	for i := len(s.tokens) - 1; i >= 0; i-- {
		switch s.tokens[i].Kind {
		case tNewline:
			return false
		case tComment:
			continue
		default:
			return true
		}
	}
	return false
}

func (s *scanner) newline() {
	s.pos++
	s.line++
	s.lineAt = s.pos
}

func (s *scanner) run() error {
	var brackets []int // offsets of open brackets, for errors
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		start, line, lineAt := s.pos, s.line, s.lineAt
		switch {
		case c == '\n':
			if s.depth == 0 && s.lineHasCode() {
				s.tokens = append(s.tokens, token{Kind: tNewline, Start: s.pos, End: s.pos, Line: s.line, Col: s.pos - s.lineAt + 1})
			}
			s.newline()
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			s.pos++
		case c == '\\':
			if s.pos+1 < len(s.src) && s.src[s.pos+1] == '\n' {
				s.pos++
				s.newline()
			} else if strings.HasPrefix(s.src[s.pos+1:], "\r\n") {
				s.pos += 2
				s.newline()
			} else {
				return s.errorf(s.pos, "unexpected character after line continuation character")
			}
		case c == '#':
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
			s.emit(tComment, start, line, lineAt)
		case s.splices && strings.HasPrefix(s.src[s.pos:], "${"):
			if err := s.skipSplice(); err != nil {
				return err
			}
			s.emit(tSplice, start, line, lineAt)
		case isStringStart(s.src[s.pos:]):
			if err := s.readString(); err != nil {
				return err
			}
			s.emit(tString, start, line, lineAt)
		case c >= '0' && c <= '9' || c == '.' && s.pos+1 < len(s.src) && s.src[s.pos+1] >= '0' && s.src[s.pos+1] <= '9':
			for s.pos < len(s.src) && (isNameByte(s.src[s.pos]) || s.src[s.pos] == '.' ||
				(s.src[s.pos] == '+' || s.src[s.pos] == '-') && (s.src[s.pos-1] == 'e' || s.src[s.pos-1] == 'E') && !strings.HasPrefix(strings.ToLower(s.src[start:]), "0x")) {
				s.pos++
			}
			s.emit(tNumber, start, line, lineAt)
		case isNameStart(s.src[s.pos:]):
			for s.pos < len(s.src) {
				r, n := utf8.DecodeRuneInString(s.src[s.pos:])
				if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				s.pos += n
			}
			s.emit(tName, start, line, lineAt)
		default:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(s.src[s.pos:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
				return s.errorf(s.pos, "invalid character %q", r)
			}
			switch op {
			case "(", "[", "{":
				s.depth++
				brackets = append(brackets, s.pos)
			case ")", "]", "}":
				if s.depth == 0 {
					return s.errorf(s.pos, "unmatched '%s'", op)
				}
				s.depth--
				brackets = brackets[:len(brackets)-1]
			}
			s.pos += len(op)
			s.emit(tOp, start, line, lineAt)
		}
	}
	if s.depth > 0 {
		at := brackets[len(brackets)-1]
		return s.errorf(at, "'%c' was never closed", s.src[at])
	}
	if s.lineHasCode() {
		s.tokens = append(s.tokens, token{Kind: tNewline, Start: s.pos, End: s.pos, Line: s.line, Col: s.pos - s.lineAt + 1})
	}
	return nil
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isNameStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

// stringPrefix returns the length of a string prefix (r, b, u, f and
// their pairs, any case) followed by a quote at the start of s, or -1.
func stringPrefix(s string) int {
	i := 0
	for i < len(s) && i < 3 && strings.ContainsRune("rRbBuUfF", rune(s[i])) {
		i++
	}
	if i < len(s) && (s[i] == '\'' || s[i] == '"') && i <= 2 {
		return i
	}
	return -1
}

func isStringStart(s string) bool { return stringPrefix(s) >= 0 }

// readString reads a string literal with its prefix.
func (s *scanner) readString() error {
	start := s.pos
	s.pos += stringPrefix(s.src[s.pos:])
	quote := s.src[s.pos : s.pos+1]
	if strings.HasPrefix(s.src[s.pos:], strings.Repeat(quote, 3)) {
		quote = strings.Repeat(quote, 3)
	}
	s.pos += len(quote)
	for {
		if s.pos >= len(s.src) {
			if len(quote) == 3 {
				return s.errorf(start, "unterminated triple-quoted string literal")
			}
			return s.errorf(start, "unterminated string literal")
		}
		switch c := s.src[s.pos]; {
		case strings.HasPrefix(s.src[s.pos:], quote):
			s.pos += len(quote)
			return nil
		case c == '\\' && s.pos+1 < len(s.src):
			if s.src[s.pos+1] == '\n' {
				s.pos++
				s.newline()
			} else {
				s.pos += 2
			}
		case c == '\n':
			if len(quote) == 1 {
				return s.errorf(start, "unterminated string literal")
			}
			s.newline()
		case s.splices && strings.HasPrefix(s.src[s.pos:], "${"):
			if err := s.skipSplice(); err != nil {
				return err
			}
		default:
			s.pos++
		}
	}
}

// skipSplice moves past a Nix ${...} splice, whose braces nest and whose
// Nix strings may hold braces and quotes.
func (s *scanner) skipSplice() error {
	start := s.pos
	s.pos += 2
	depth := 1
	for s.pos < len(s.src) {
		switch c := s.src[s.pos]; c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				s.pos++
				return nil
			}
		case '"':
			for s.pos++; s.pos < len(s.src) && s.src[s.pos] != '"'; s.pos++ {
				if s.src[s.pos] == '\\' {
					s.pos++
				} else if s.src[s.pos] == '\n' {
					s.line++
					s.lineAt = s.pos + 1
				}
			}
		case '\n':
			s.line++
			s.lineAt = s.pos + 1
		}
		s.pos++
	}
	return s.errorf(start, "unterminated Nix splice ${...}")
}
