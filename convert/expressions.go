package convert

import (
	"regexp"
	"strings"

	"github.com/vmt-dev/vmt/lang"
)

// convertTokens rewrites the expressions of a line: f-strings, escapes
// Starlark does not know, adjacent string literals (Starlark does not join
// them), `is` and `is not`, and
// reports % and str.format specs Starlark does not have.
func (c *converter) convertTokens(l *logicalLine) {
	code := l.code()
	for i, t := range code {
		switch t.Kind {
		case tString:
			text := fixEscapes(t.Text, c.splices)
			if text != t.Text {
				c.translate("escape")
			}
			if strings.ContainsAny(t.Text[:stringPrefix(t.Text)], "fF") {
				out, left := convertFString(text, c.splices)
				c.replace(t.Start, t.End, out)
				c.translate("f-string")
				for _, msg := range left {
					c.leave(l, t.Line, msg)
				}
			} else {
				if next(code, i, 1) == "%" && percentModifier.MatchString(text) {
					text = c.convertPercentSpecs(l, code, i, text)
				}
				if next(code, i, 1) == "." && next(code, i, 2) == "format" && next(code, i, 3) == "(" && formatSpec.MatchString(text) {
					text = c.convertFormatSpecs(l, code, i, text)
				}
				if text != t.Text {
					c.replace(t.Start, t.End, text)
				}
			}
			if i+1 < len(code) && code[i+1].Kind == tString {
				c.replace(t.End, t.End, " +")
				c.translate("adjacent strings")
			}
		case tOp:
			// A deprecated method called by its old name: the
			// replacement takes the same arguments.
			if t.Text == "." && next(code, i, 2) == "(" {
				if m := lang.Default.Method("Machine", next(code, i, 1)); m != nil && m.Deprecated != "" && !strings.ContainsAny(m.Deprecated, " (") {
					c.replace(code[i+1].Start, code[i+1].End, m.Deprecated)
					c.translate("deprecated name")
				}
			}
		case tName:
			if t.Text == "for" {
				c.convertGenerator(code, i)
			}
			if fn, ok := unittestAsserts[t.Text+"."+next(code, i, 2)]; ok && next(code, i, 1) == "." && (i == 0 || code[i-1].Text != ".") {
				c.replace(t.Start, code[i+2].End, fn)
				c.translate("t.assert")
				continue
			}
			if t.Text != "is" || c.edited(t.Start) {
				continue
			}
			if i+1 < len(code) && code[i+1].Text == "not" {
				c.replace(t.Start, code[i+1].End, "!=")
			} else {
				c.replace(t.Start, t.End, "==")
			}
			c.translate("is")
		}
	}
}

// percentModifier matches a % conversion with flags, width or precision.
var percentModifier = regexp.MustCompile(`%(?:[-#0 +]+(?:\d+|\*)?(?:\.\d*)?|(?:\d+|\*)(?:\.\d*)?|\.\d*)[diouxXeEfFgGcrsa]`)

// formatSpec matches a str.format field with a spec: {:>8}, {0:.2f}, {x:d}.
var formatSpec = regexp.MustCompile(`\{[\w.\[\]]*(![rsa])?:[^}]+\}`)

// starlarkEscapes are the characters a backslash may precede in a
// Starlark string literal; Python keeps any other backslash as it is,
// Starlark refuses it.
const starlarkEscapes = "\n\\'\"abfnrtv01234567xuU"

// fixEscapes doubles the backslashes of escapes Starlark does not know
// ("\@", "\d", "\s" in a regex written without r), which Python keeps as
// two characters, so the string means what it did.
func fixEscapes(lit string, splices bool) string {
	p := stringPrefix(lit)
	if strings.ContainsAny(lit[:p], "rR") {
		return lit
	}
	var b strings.Builder
	for i := 0; i < len(lit); i++ {
		switch {
		case splices && strings.HasPrefix(lit[i:], "${"):
			n := spliceLen(lit[i:])
			b.WriteString(lit[i : i+n])
			i += n - 1
		case lit[i] == '\\' && i+1 < len(lit):
			if strings.IndexByte(starlarkEscapes, lit[i+1]) < 0 {
				b.WriteString(`\\`)
			} else {
				b.WriteString(lit[i : i+2])
				i++
			}
		default:
			b.WriteByte(lit[i])
		}
	}
	return b.String()
}

// unittestAsserts are the assertions of the NixOS driver's `t` (a
// unittest.TestCase) that have a vmt builtin of the same meaning.
var unittestAsserts = map[string]string{
	"t.assertEqual":    "assert_eq",
	"t.assertNotEqual": "assert_ne",
	"t.assertIn":       "assert_in",
	"t.assertNotIn":    "assert_not_in",
	"t.assertTrue":     "assert_true",
	"t.assertFalse":    "assert_false",
}

// next returns the text of the token k places after code[i], or "".
func next(code []token, i, k int) string {
	if i+k < len(code) {
		return code[i+k].Text
	}
	return ""
}

// convertGenerator rewrites a generator expression, which Starlark lacks,
// as a list comprehension: f(x for x in y) becomes f([x for x in y]),
// and next(x for x in y), the first of them, [x for x in y][0]. code[i] is
// a `for`; a for inside brackets of a comprehension already is not one.
func (c *converter) convertGenerator(code []token, i int) {
	open := -1
	depth := 0
	for j := i - 1; j >= 0; j-- {
		switch code[j].Text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			if depth == 0 {
				open = j
			}
			depth--
		}
		if open >= 0 {
			break
		}
	}
	if open < 0 || code[open].Text != "(" {
		return
	}
	closing := closes(code, open)
	if closing < 0 || len(topLevel(code[open+1:closing], ",")) > 0 {
		return
	}
	if open > 0 && code[open-1].Text == "next" && (open < 2 || code[open-2].Text != ".") {
		c.replace(code[open-1].Start, code[open].End, "[")
		c.replace(code[closing].Start, code[closing].End, "][0]")
	} else {
		c.replace(code[open].End, code[open].End, "[")
		c.replace(code[closing].Start, code[closing].Start, "]")
	}
	c.translate("generator")
}
