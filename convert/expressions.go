package convert

import (
	"regexp"
	"strings"
)

// convertTokens rewrites the expressions of a line: f-strings, adjacent
// string literals (Starlark does not join them), `is` and `is not`, and
// reports % and str.format specs Starlark does not have.
func (c *converter) convertTokens(l *logicalLine) {
	code := l.code()
	for i, t := range code {
		switch t.Kind {
		case tString:
			if strings.ContainsAny(t.Text[:stringPrefix(t.Text)], "fF") {
				out, left := convertFString(t.Text, c.splices)
				c.replace(t.Start, t.End, out)
				c.translate("f-string")
				for _, msg := range left {
					c.leave(l, t.Line, msg)
				}
			}
			if i+1 < len(code) && code[i+1].Kind == tString {
				c.replace(t.End, t.End, " +")
				c.translate("adjacent strings")
			}
			if i+1 < len(code) && code[i+1].Text == "%" && percentModifier.MatchString(t.Text) {
				c.leave(l, t.Line, "a % conversion with a width, precision or flag: go.starlark.net's % has none; format the value yourself")
			}
			if i+2 < len(code) && code[i+1].Text == "." && code[i+2].Text == "format" && formatSpec.MatchString(t.Text) {
				c.leave(l, t.Line, "a str.format spec ({:...}): Starlark's format has none; format the value yourself")
			}
		case tName:
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
