package convert

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file gives Python's format specs, which go.starlark.net's str.format
// and % lack, to vmt's format(value, spec) builtin: "{:>8}".format(x)
// becomes "{}".format(format(x, ">8")), and "%.2f s" % t becomes
// "%s s" % format(t, ".2f").

// formatField matches a str.format replacement field: its name, its
// conversion and its spec.
var formatField = regexp.MustCompile(`^\{([\w.\[\]]*)(![rsa])?(?::([^{}]*))?\}$`)

// callArgs splits the arguments of the call whose '(' is code[open] into
// token ranges, and says which are keyword arguments, by name.
func callArgs(code []token, open int) (args [][]token, keywords map[string]int, ok bool) {
	closing := closes(code, open)
	if closing < 0 {
		return nil, nil, false
	}
	inner := code[open+1 : closing]
	keywords = map[string]int{}
	from := 0
	for _, comma := range append(topLevel(inner, ","), len(inner)) {
		arg := inner[from:comma]
		from = comma + 1
		if len(arg) == 0 {
			continue // a trailing comma
		}
		if len(arg) > 2 && arg[0].Kind == tName && arg[1].Text == "=" {
			keywords[arg[0].Text] = len(args)
			arg = arg[2:]
		} else if arg[0].Text == "*" || arg[0].Text == "**" {
			return nil, nil, false
		}
		args = append(args, arg)
	}
	return args, keywords, true
}

// convertFormatSpecs moves the specs of the string literal code[i], called
// with .format(...), into format() calls on the arguments. text is the
// literal as already rewritten; it returns the literal to write.
func (c *converter) convertFormatSpecs(l *logicalLine, code []token, i int, text string) string {
	args, keywords, ok := callArgs(code, i+3)
	if !ok {
		c.leave(l, code[i].Line, "a str.format spec ({:...}) with *args: apply format(value, spec) to the values yourself")
		return text
	}
	// Each argument a spec applies to, and how many fields use it.
	specs := map[int]string{}
	uses := map[int]int{}
	auto := 0
	var b strings.Builder
	at := 0
	for j := 0; j < len(text); j++ {
		if strings.HasPrefix(text[j:], "{{") || strings.HasPrefix(text[j:], "}}") {
			j++
			continue
		}
		if text[j] != '{' {
			continue
		}
		end := strings.IndexByte(text[j:], '}')
		if end < 0 {
			break
		}
		f := formatField.FindStringSubmatch(text[j : j+end+1])
		if f == nil {
			c.leave(l, code[i].Line, "a str.format field the converter cannot read: apply format(value, spec) to the value yourself")
			return text
		}
		name, conversion, spec := f[1], strings.TrimPrefix(f[2], "!"), f[3]
		var arg int
		switch n, err := strconv.Atoi(name); {
		case name == "":
			arg = auto
			auto++
		case err == nil:
			arg = n
		case hasKeyword(keywords, name):
			arg = keywords[name]
		default:
			c.leave(l, code[i].Line, "a str.format spec on a field it cannot match to an argument: apply format(value, spec) to the value yourself")
			return text
		}
		uses[arg]++
		if spec == "" {
			continue
		}
		if arg >= len(args) {
			c.leave(l, code[i].Line, "a str.format field without an argument")
			return text
		}
		specs[arg] = spec
		if conversion != "" {
			specs[arg] = conversion + "\x00" + spec
		}
		b.WriteString(text[at:j])
		b.WriteString("{" + name + "}")
		at = j + end + 1
		j += end
	}
	b.WriteString(text[at:])
	for arg, spec := range specs {
		if uses[arg] > 1 {
			c.leave(l, code[i].Line, "a str.format argument used by several fields, one with a spec: apply format(value, spec) where it is used")
			return text
		}
		conversion, spec, found := strings.Cut(spec, "\x00")
		if !found {
			conversion, spec = "", conversion
		}
		a := args[arg]
		expr := c.src[a[0].Start:a[len(a)-1].End]
		c.replace(a[0].Start, a[len(a)-1].End, formatCall(withConversion(expr, conversion), spec))
	}
	c.translate("format spec")
	return b.String()
}

func hasKeyword(keywords map[string]int, name string) bool {
	_, ok := keywords[name]
	return ok
}

// percentConversion matches one % conversion: flags, width, precision and
// type, or a %% or a %(name) mapping key.
var percentConversion = regexp.MustCompile(`%(\([^)]*\))?([-#0 +]*)(\d+|\*)?(?:\.(\d*|\*))?([diouxXeEfFgGcrsa%])`)

// convertPercentSpecs rewrites the % conversions with flags, width or
// precision of the literal code[i], followed by % and its operand, as %s
// of format() calls. It returns the literal to write.
func (c *converter) convertPercentSpecs(l *logicalLine, code []token, i int, text string) string {
	convs := percentConversion.FindAllStringSubmatchIndex(text, -1)
	var operands [][]token
	operandStart := i + 2
	end := primaryEnd(code, operandStart)
	if end < 0 {
		c.leave(l, code[i].Line, "a % conversion with a width, precision or flag, on an operand the converter cannot read: use format(value, spec)")
		return text
	}
	if code[operandStart].Text == "(" && end == closes(code, operandStart)+1 && len(topLevel(code[operandStart+1:end-1], ",")) > 0 {
		inner := code[operandStart+1 : end-1]
		from := 0
		for _, comma := range append(topLevel(inner, ","), len(inner)) {
			if comma > from {
				operands = append(operands, inner[from:comma])
			}
			from = comma + 1
		}
	} else {
		operands = [][]token{code[operandStart:end]}
	}
	var b strings.Builder
	at, k := 0, 0
	for _, m := range convs {
		if text[m[10]:m[11]] == "%" {
			continue
		}
		group := func(n int) string {
			if m[2*n] < 0 {
				return ""
			}
			return text[m[2*n]:m[2*n+1]]
		}
		if m[2] >= 0 || group(3) == "*" || group(4) == "*" {
			c.leave(l, code[i].Line, "a % conversion with a mapping key or * width: use format(value, spec)")
			return text
		}
		if k >= len(operands) {
			c.leave(l, code[i].Line, fmt.Sprintf("%d %% conversions for %d values", len(convs), len(operands)))
			return text
		}
		flags, width, precision := group(2), group(3), ""
		if m[8] >= 0 {
			precision = "." + group(4)
		}
		if flags != "" || width != "" || precision != "" {
			op := operands[k]
			expr := c.src[op[0].Start:op[len(op)-1].End]
			spec, conversion := percentSpec(flags, width, precision, group(5))
			c.replace(op[0].Start, op[len(op)-1].End, formatCall(withConversion(expr, conversion), spec))
			b.WriteString(text[at:m[0]] + "%s")
			at = m[1]
		}
		k++
	}
	if k != len(operands) {
		c.leave(l, code[i].Line, fmt.Sprintf("%d %% conversions for %d values", k, len(operands)))
		return text
	}
	b.WriteString(text[at:])
	c.translate("% spec")
	return b.String()
}

// percentSpec turns a % conversion's parts into a format spec, and the
// conversion (str or repr) its value needs first.
func percentSpec(flags, width, precision, typ string) (spec, conversion string) {
	align := ""
	if strings.Contains(flags, "-") {
		align = "<"
	}
	sign := ""
	switch {
	case strings.Contains(flags, "+"):
		sign = "+"
	case strings.Contains(flags, " "):
		sign = " "
	}
	alt, zero := "", ""
	if strings.Contains(flags, "#") {
		alt = "#"
	}
	if strings.Contains(flags, "0") && align == "" {
		zero = "0"
	}
	switch typ {
	case "d", "i", "u":
		typ = "d"
	case "s":
		typ, conversion = "", "s"
	case "r", "a":
		typ, conversion = "", "r"
	}
	return align + sign + alt + zero + width + precision + typ, conversion
}

// primaryEnd returns the index after the primary expression (an atom and
// its trailers: attributes, calls, subscripts) that starts at code[i], or
// -1 when none starts there.
func primaryEnd(code []token, i int) int {
	if i >= len(code) {
		return -1
	}
	switch t := code[i]; {
	case t.Text == "(" || t.Text == "[" || t.Text == "{":
		j := closes(code, i)
		if j < 0 {
			return -1
		}
		i = j + 1
	case t.Kind == tName || t.Kind == tNumber || t.Kind == tSplice:
		i++
	case t.Kind == tString:
		for i < len(code) && code[i].Kind == tString {
			i++
		}
	default:
		return -1
	}
	for i < len(code) {
		switch code[i].Text {
		case ".":
			if i+1 >= len(code) || code[i+1].Kind != tName {
				return -1
			}
			i += 2
		case "(", "[":
			j := closes(code, i)
			if j < 0 {
				return -1
			}
			i = j + 1
		default:
			return i
		}
	}
	return i
}
