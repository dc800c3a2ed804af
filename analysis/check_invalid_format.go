package analysis

import (
	"fmt"
	"strings"

	"github.com/vmt-dev/vmt/lang"

	"go.starlark.net/syntax"
)

var checkInvalidFormat = &Check{
	Name: "invalid-format",
	Doc: "A string used as a format — `\"...\" % values` or `\"...\".format(...)`, written there or " +
		"assigned once to the variable used — would be refused when the test reaches it: Starlark's `%` " +
		"knows the conversions %s %r %d %i %o %x %X %e %f %g %E %F %G %c and %% with no flags, width or " +
		"precision (`\"%.1f\"` fails with \"unknown conversion %.\"), the number of values must match the " +
		"conversions, and `.format` takes no format spec (`{:.2f}`). Write `\"%s\" % x` or `\"{}\".format(x)`; " +
		"where the script API has `format(value, spec)`, the message says to format the value with it.",
	run: func(c *Check, s *Script) {
		syntax.Walk(s.File, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.BinaryExpr:
				if n.Op != syntax.PERCENT {
					return true
				}
				format, lit := s.constString(n.X)
				if lit == nil {
					return true
				}
				if msg := percentProblem(format, s.valueCount(n.Y), s.Table.Func("format") != nil); msg != "" {
					s.reportNode(c, n.X, "%s%s: %s", shortQuote(format), assignedAt(n.X, lit), msg)
				}
			case *syntax.CallExpr:
				dot, ok := Unparen(n.Fn).(*syntax.DotExpr)
				if !ok || dot.Name.Name != "format" {
					return true
				}
				format, lit := s.constString(dot.X)
				if lit == nil {
					return true
				}
				if msg := formatMethodProblem(format, s.Table.Func("format") != nil); msg != "" {
					s.reportNode(c, dot.X, "%s%s: %s", shortQuote(format), assignedAt(dot.X, lit), msg)
				}
			}
			return true
		})
	},
}

// valueCount is how many values the right of % holds: the length of a
// tuple display, 1 for a value of a known type other than tuple, -1 when
// unknown.
func (s *Script) valueCount(e syntax.Expr) int {
	if tuple, ok := Unparen(e).(*syntax.TupleExpr); ok {
		return len(tuple.List)
	}
	switch base := lang.BaseTypes(s.TypeOf(e)); {
	case len(base) != 1, base[0] == "tuple", base[0] == "dict", base[0] == "any":
		return -1
	}
	return 1
}

// percentProblem says what go.starlark.net's % refuses in a format given
// n values (n < 0: unknown), or "". withFormat says the table has
// format(value, spec), which does what flags, width and precision do.
func percentProblem(format string, n int, withFormat bool) string {
	conversions, keyed := 0, false
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		if i < len(format) && format[i] == '(' {
			j := strings.IndexByte(format[i:], ')')
			if j < 0 {
				return "incomplete format key: write %(name)s"
			}
			i += j + 1
			keyed = true
		}
		if i >= len(format) {
			return "incomplete format: a % ends the string (write %% for a percent sign)"
		}
		if !strings.ContainsRune("srdioxXeEfFgGc", rune(format[i])) {
			spec := format[i:]
			if end := strings.IndexAny(spec, "srdioxXeEfFgGc"); end >= 0 {
				msg := fmt.Sprintf("%%%s has flags, a width or a precision, which Starlark's %% does not support (\"unknown conversion %%%c\"): ", spec[:end+1], spec[0])
				if withFormat && spec[end] != 'r' {
					return msg + fmt.Sprintf("write %%s with format(value, %q)", strings.TrimSuffix(spec[:end+1], "s"))
				}
				return msg + fmt.Sprintf("write %%%c", spec[end])
			}
			return fmt.Sprintf("unknown conversion %%%c", format[i])
		}
		conversions++
	}
	switch {
	case keyed || n < 0:
	case conversions > n:
		return fmt.Sprintf("%d conversions but %d values: not enough arguments for format string", conversions, n)
	case conversions < n:
		return fmt.Sprintf("%d conversions but %d values: too many arguments for format string", conversions, n)
	}
	return ""
}

// formatMethodProblem says what go.starlark.net's str.format refuses, or
// "". withFormat is as for percentProblem.
func formatMethodProblem(format string, withFormat bool) string {
	for i := 0; i < len(format); i++ {
		switch format[i] {
		case '{':
			if i+1 < len(format) && format[i+1] == '{' {
				i++
				continue
			}
			j := strings.IndexByte(format[i:], '}')
			if j < 0 {
				return "a { is not closed (write {{ for a brace)"
			}
			field := format[i+1 : i+j]
			if k := strings.IndexByte(field, ':'); k >= 0 {
				msg := fmt.Sprintf("{%s} has a format spec, which Starlark's format does not support: write {%s}", field, field[:k])
				if withFormat {
					msg += fmt.Sprintf(" and pass format(value, %q)", field[k+1:])
				}
				return msg
			}
			i += j
		case '}':
			if i+1 < len(format) && format[i+1] == '}' {
				i++
				continue
			}
			return "a } is not opened (write }} for a brace)"
		}
	}
	return ""
}

// shortQuote quotes a format for a message, shortened when long.
func shortQuote(s string) string {
	if len(s) > 30 {
		s = s[:27] + "..."
	}
	return fmt.Sprintf("%q", s)
}
