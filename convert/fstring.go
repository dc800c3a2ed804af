package convert

import (
	"fmt"
	"strconv"
	"strings"
)

// convertFString rewrites an f-string as a str.format call:
// f"{name} has {n!r} items" becomes "{} has {!r} items".format(name, n).
// Starlark's format has no format spec: {x:.1f} becomes {} with the
// argument format(x, ".1f"), vmt's builtin for Python's format specs.
func convertFString(lit string, splices bool) (out string, left []string) {
	p := stringPrefix(lit)
	prefix := strings.NewReplacer("f", "", "F", "").Replace(lit[:p])
	quote := lit[p : p+1]
	if strings.HasPrefix(lit[p:], strings.Repeat(quote, 3)) {
		quote = strings.Repeat(quote, 3)
	}
	body := lit[p+len(quote) : len(lit)-len(quote)]
	var format strings.Builder
	var args []string
	for i := 0; i < len(body); {
		switch {
		case splices && strings.HasPrefix(body[i:], "${"):
			n := spliceLen(body[i:])
			format.WriteString(body[i : i+n])
			i += n
		case strings.HasPrefix(body[i:], "{{"), strings.HasPrefix(body[i:], "}}"):
			format.WriteString(body[i : i+2])
			i += 2
		case body[i] == '{':
			f, n := readField(body[i+1:])
			i += 1 + n
			if f.debug {
				format.WriteString(strings.ReplaceAll(strings.ReplaceAll(f.expr, "{", "{{"), "}", "}}") + "=")
				if f.conversion == "" && f.spec == "" {
					f.conversion = "r"
				}
			}
			arg := strings.TrimSpace(f.expr)
			switch {
			case strings.ContainsAny(f.spec, "{}"):
				left = append(left, fmt.Sprintf("a format spec with fields (%q) in an f-string: compute the spec first, then call format(value, spec)", ":"+f.spec))
			case f.spec != "":
				// Starlark's str.format has no spec: vmt's format()
				// builtin applies it.
				arg = formatCall(withConversion(arg, f.conversion), f.spec)
				f.conversion = ""
			}
			format.WriteString("{")
			if f.conversion != "" {
				format.WriteString("!" + f.conversion)
			}
			format.WriteString("}")
			args = append(args, arg)
		default:
			format.WriteByte(body[i])
			i++
		}
	}
	s := format.String()
	if len(args) == 0 {
		// No fields: a plain string, whose braces are no longer doubled.
		s = strings.NewReplacer("{{", "{", "}}", "}").Replace(s)
		return prefix + quote + s + quote, left
	}
	return prefix + quote + s + quote + ".format(" + strings.Join(args, ", ") + ")", left
}

// field is a replacement field of an f-string.
type field struct {
	expr, conversion, spec string
	debug                  bool // {expr=}
}

// readField reads a replacement field after its '{' and returns it with
// the bytes read, the closing '}' included.
func readField(s string) (field, int) {
	var f field
	depth := 0
	i := 0
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				f.expr = s[:i]
				return f.trimDebug(), i + 1
			}
			depth--
		case '!':
			if depth == 0 && i+1 < len(s) && s[i+1] != '=' {
				f.expr = s[:i]
				rest := s[i+1:]
				end := strings.IndexAny(rest, ":}")
				if end < 0 {
					return f.trimDebug(), len(s)
				}
				f.conversion = rest[:end]
				n := i + 1 + end
				if rest[end] == ':' {
					spec, m := readSpec(s[n+1:])
					f.spec = spec
					return f.trimDebug(), n + 1 + m
				}
				return f.trimDebug(), n + 1
			}
		case ':':
			if depth == 0 {
				f.expr = s[:i]
				spec, m := readSpec(s[i+1:])
				f.spec = spec
				return f.trimDebug(), i + 1 + m
			}
		}
	}
	f.expr = s
	return f.trimDebug(), len(s)
}

// trimDebug reads the `=` of a self-documenting field {expr=}.
func (f field) trimDebug() field {
	e := strings.TrimRight(f.expr, " ")
	if strings.HasSuffix(e, "=") && !strings.HasSuffix(e, "==") && !strings.HasSuffix(e, "!=") &&
		!strings.HasSuffix(e, "<=") && !strings.HasSuffix(e, ">=") {
		f.expr, f.debug = strings.TrimSuffix(e, "="), true
	}
	return f
}

// readSpec reads a format spec up to its field's closing '}', nested
// fields included, and returns it with the bytes read.
func readSpec(s string) (string, int) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return s[:i], i + 1
			}
			depth--
		}
	}
	return s, len(s)
}

// spliceLen returns the length of the Nix splice at the start of s.
func spliceLen(s string) int {
	sc := &scanner{src: s}
	if sc.skipSplice() != nil {
		return len(s)
	}
	return sc.pos
}

// formatCall is vmt's call that formats the value of expr by a Python
// format spec.
func formatCall(expr, spec string) string {
	return "format(" + expr + ", " + strconv.Quote(spec) + ")"
}

// withConversion applies a field's !r or !s conversion to expr.
func withConversion(expr, conversion string) string {
	switch conversion {
	case "r", "a":
		return "repr(" + expr + ")"
	case "s":
		return "str(" + expr + ")"
	}
	return expr
}
