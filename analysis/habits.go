package analysis

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.starlark.net/syntax"
)

// Python habits: constructs people write out of habit that Starlark lacks.
// Each is a syntax error to go.starlark.net; on the line the parser stops
// at, a habit gives the finding a message saying what to write instead, a
// safe fix where one exists, and the repair that lets the rest of the
// script be read (see parseRepaired).
type habit struct {
	match *regexp.Regexp
	// explain returns the message, and the fix when a safe one exists,
	// for the habit on line (1-based) of lines.
	explain func(d dialect, lines []string, line int, m []int) (string, *Fix)
	// repair is the line that stands in for it when parsing.
	repair func(d dialect, line string, m []int) string
}

// dialect is what a habit's rewrite may use besides Starlark's own.
type dialect struct {
	// format is set when the table has format(value, spec), which takes
	// the format specs of f-strings.
	format bool
}

var (
	// fstringStart matches the f of an f-string and its quote.
	fstringStart = regexp.MustCompile(`(^|[^\w"'])[fF]("|')`)
	// isOperator matches `is` and `is not` with the word after them.
	isOperator = regexp.MustCompile(`\sis(\s+not)?\s+(\w*)`)
)

var habits = []habit{
	{ // with subtest("x"):  (and any other with)
		match: regexp.MustCompile(`^(\s*)with\s+(.*?)\s*:\s*(#.*)?$`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			expr := lines[line-1][m[4]:m[5]]
			if !strings.HasPrefix(expr, "subtest(") || strings.Contains(expr, " as ") {
				return "Starlark has no `with` statement: call the function before and after the block", nil
			}
			return fmt.Sprintf("Starlark has no `with` statement: write %s to open a section that lasts until end_subtest() "+
				"or the next subtest (or subtest(name, fn) with the block in a function)", expr), titled("Rewrite as the section "+expr+" ... end_subtest()", sectionFix(lines, line, expr))
		},
		repair: func(d dialect, line string, m []int) string {
			if expr := line[m[4]:m[5]]; strings.HasPrefix(expr, "subtest(") {
				return line[m[2]:m[3]] + "if " + expr + ":" // keeps the block, checks the call
			}
			return line[m[2]:m[3]] + "if True:"
		},
	},
	{ // assert cond, msg
		match: regexp.MustCompile(`^(\s*)assert\s+(.*?)\s*(#.*)?$`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			fixed := assertCall(lines[line-1], m)
			return "Starlark has no assert statement: write " + codeOf(fixed), titled("Rewrite as "+codeOf(fixed), lineFix(lines, line, fixed))
		},
		repair: func(d dialect, line string, m []int) string { return assertCall(line, m) },
	},
	{ // import json / from x import y
		match: regexp.MustCompile(`^(\s*)(?:import\s+([\w., ]+?)|from\s+\S+\s+import\s+.*?)\s*(#.*)?$`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			if m[4] >= 0 && predeclaredModules(lines[line-1][m[4]:m[5]]) {
				fix := &Fix{Edits: []Edit{{Pos: Position{line, 1}, End: Position{line + 1, 1}}}}
				if line == len(lines) {
					fix.Edits[0].End = Position{line, utf8.RuneCountInString(lines[line-1]) + 1}
				}
				fix.Title = "Delete the import"
				return "vmt scripts do not import: json, re, shlex and time are predeclared; delete this line", fix
			}
			return "Starlark cannot import modules: a test script is one file, and json, re, shlex and time are predeclared", nil
		},
		repair: func(d dialect, line string, m []int) string { return line[m[2]:m[3]] + "pass" },
	},
	{ // raise Error("message")
		match: regexp.MustCompile(`^(\s*)raise\b\s*(?:[\w.]+\((.*)\))?\s*(#.*)?$`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			if m[4] < 0 || strings.TrimSpace(lines[line-1][m[4]:m[5]]) == "" {
				return "Starlark has no raise: write fail(\"message\") to stop the test with an error", nil
			}
			fixed := raiseCall(lines[line-1], m)
			return "Starlark has no raise: write " + codeOf(fixed), titled("Rewrite as "+codeOf(fixed), lineFix(lines, line, fixed))
		},
		repair: func(d dialect, line string, m []int) string {
			if m[4] < 0 {
				return line[m[2]:m[3]] + "pass"
			}
			return raiseCall(line, m)
		},
	},
	{ // try: / except E: / finally:
		match: regexp.MustCompile(`^(\s*)(try|except\b[^:]*|finally)\s*:\s*(#.*)?$`),
		explain: func(dialect, []string, int, []int) (string, *Fix) {
			return "Starlark has no try/except: to expect a failure write assert_fails(fn) or machine.fail(cmd); " +
				"to look at a command's status write status, out = machine.execute(cmd)", nil
		},
		repair: func(d dialect, line string, m []int) string { return line[m[2]:m[3]] + "if True:" },
	},
	{ // class C:
		match: regexp.MustCompile(`^(\s*)class\b.*:\s*(#.*)?$`),
		explain: func(dialect, []string, int, []int) (string, *Fix) {
			return "Starlark has no classes: keep state in a dict and write functions", nil
		},
		repair: func(d dialect, line string, m []int) string { return line[m[2]:m[3]] + "if True:" },
	},
	{ // del d[key]
		match: regexp.MustCompile(`^(\s*)del\s+(.*?)\s*(#.*)?$`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			msg := "Starlark has no del: write d.pop(key) to remove a dict entry or a list element"
			if fixed, ok := delCall(lines[line-1], m); ok {
				return msg, titled("Rewrite as "+codeOf(fixed), lineFix(lines, line, fixed))
			}
			return msg, nil
		},
		repair: func(d dialect, line string, m []int) string {
			if fixed, ok := delCall(line, m); ok {
				return fixed
			}
			return line[m[2]:m[3]] + "pass"
		},
	},
	{ // @decorator
		match: regexp.MustCompile(`^(\s*)@`),
		explain: func(dialect, []string, int, []int) (string, *Fix) {
			return "Starlark has no decorators: pass the function to the decorator after its def, as in retry(fn)", nil
		},
		repair: func(d dialect, line string, m []int) string { return line[m[2]:m[3]] + "pass" },
	},
	{ // global x / nonlocal x
		match: regexp.MustCompile(`^(\s*)(global|nonlocal)\s`),
		explain: func(dialect, []string, int, []int) (string, *Fix) {
			return "Starlark has no global or nonlocal: a function cannot assign a variable outside it; " +
				"return the value, or change a dict or list kept outside", nil
		},
		repair: func(d dialect, line string, m []int) string { return line[m[2]:m[3]] + "pass" },
	},
	{ // x ** 2
		match: regexp.MustCompile(`[\w)\]]\s*(\*\*)`),
		explain: func(dialect, []string, int, []int) (string, *Fix) {
			return "Starlark has no ** operator: multiply (x * x), or write the number", nil
		},
		repair: func(d dialect, line string, m []int) string { return line[:m[2]] + "*" + line[m[3]:] },
	},
	{ // json.load(s)
		match: regexp.MustCompile(`\bjson\.load\(`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			col := utf8.RuneCountInString(lines[line-1][:m[1]-1]) + 1
			fix := &Fix{Title: "Replace with json.loads", Edits: []Edit{{Pos: Position{line, col}, End: Position{line, col}, New: "s"}}}
			return "json has no load (and load is a Starlark keyword): write json.loads(...) to decode a string", fix
		},
		repair: func(d dialect, line string, m []int) string { return line[:m[1]-1] + "s" + line[m[1]-1:] },
	},
	{ // x is None / x is not None
		match: isOperator,
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			fixed, safe := replaceIs(lines[line-1])
			msg := "Starlark has no `is`: write == (`is not`: !=)"
			if !safe {
				return msg + "; == compares values, not identity", nil
			}
			return msg, titled("Rewrite as "+codeOf(fixed), lineFix(lines, line, fixed))
		},
		repair: func(d dialect, line string, m []int) string { fixed, _ := replaceIs(line); return fixed },
	},
	{ // def f(x: int) -> str:  /  x: int = 1
		match: regexp.MustCompile(`^(\s*)(?:def\s+\w+\s*\([^)]*\w\s*:[^)]*\)\s*(?:->[^#]*)?:|def\s+\w+\s*\(.*\)\s*->[^#]*:|\w+\s*:\s*[^=#]+=[^#]*)\s*(#.*)?$`),
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			fixed, ok := stripAnnotations(lines[line-1])
			if !ok {
				return "Starlark has no type annotations: leave them out", nil
			}
			return "Starlark has no type annotations: leave them out (" + codeOf(fixed) + ")", titled("Remove the annotations", lineFix(lines, line, fixed))
		},
		repair: func(d dialect, line string, m []int) string {
			if fixed, ok := stripAnnotations(line); ok {
				return fixed
			}
			return line[m[2]:m[3]] + "pass"
		},
	},
	{ // f"...{x}..."
		match: fstringStart,
		explain: func(d dialect, lines []string, line int, m []int) (string, *Fix) {
			fixed, ok := fstringFormat(lines[line-1], d.format)
			if !ok {
				return "Starlark has no f-strings: write \"... {} ...\".format(x) or \"... %s ...\" % x", nil
			}
			return "Starlark has no f-strings: write " + codeOf(fixed), titled("Rewrite the f-string with .format", lineFix(lines, line, fixed))
		},
		repair: func(d dialect, line string, m []int) string {
			if fixed, ok := fstringFormat(line, d.format); ok {
				return fixed
			}
			return line[:m[3]] + line[m[3]+1:] // drop the f
		},
	},
}

// findHabit returns the Python habit on a broken line, or nil.
func findHabit(d dialect, filename string, lines []string, line int) *syntaxError {
	text := lines[line-1]
	for _, h := range habits {
		m := h.match.FindStringSubmatchIndex(text)
		if m == nil || outsideCode(text, m[0]) {
			continue
		}
		msg, fix := h.explain(d, lines, line, m)
		// The finding starts at the habit's first word: past the
		// indentation, the character before an f-string, the blank before
		// `is`.
		start := m[0]
		if len(m) > 2 && m[2] == m[0] {
			start = m[3]
		}
		for start < len(text) && (text[start] == ' ' || text[start] == '\t') {
			start++
		}
		col := int32(utf8.RuneCountInString(text[:start]) + 1)
		return &syntaxError{pos: syntax.MakePosition(&filename, int32(line), col), rule: "python-habit", msg: msg, fix: fix}
	}
	return nil
}

// habitRepair returns the line standing in for a habit when parsing.
func habitRepair(d dialect, line string) (string, bool) {
	for _, h := range habits {
		if m := h.match.FindStringSubmatchIndex(line); m != nil && !outsideCode(line, m[0]) {
			return h.repair(d, line, m), true
		}
	}
	return "", false
}

// outsideCode reports whether byte i of a line is inside a string or a
// comment.
func outsideCode(line string, i int) bool {
	var quote byte
	for j := 0; j < i && j < len(line); j++ {
		switch c := line[j]; {
		case quote != 0 && c == '\\':
			j++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '#':
			return true
		}
	}
	return quote != 0
}

// titled names a fix, which may be nil.
func titled(title string, fix *Fix) *Fix {
	if fix != nil {
		fix.Title = title
	}
	return fix
}

// lineFix replaces a whole line.
func lineFix(lines []string, line int, fixed string) *Fix {
	end := utf8.RuneCountInString(lines[line-1]) + 1
	return &Fix{Edits: []Edit{{Pos: Position{line, 1}, End: Position{line, end}, New: fixed}}}
}

// sectionFix turns `with subtest(...):` and its block into the section
// form: the call, the block one level out, and end_subtest() after it so
// the code that follows stays outside the section.
func sectionFix(lines []string, line int, call string) *Fix {
	text := lines[line-1]
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	fix := &Fix{Edits: []Edit{{Pos: Position{line, 1}, End: Position{line, utf8.RuneCountInString(text) + 1}, New: indent + call}}}
	last, step := line, -1
	for i := line + 1; i <= len(lines); i++ {
		body := lines[i-1]
		code := strings.TrimLeft(body, " \t")
		if code == "" {
			continue
		}
		width := len(body) - len(code)
		if width <= len(indent) {
			break
		}
		if step < 0 {
			step = width - len(indent)
		}
		if width-len(indent) < step || strings.ContainsRune(body[:width], '\t') {
			return nil // not a block the fix can dedent safely
		}
		fix.Edits = append(fix.Edits, Edit{Pos: Position{i, 1}, End: Position{i, step + 1}})
		last = i
	}
	if last == line {
		return nil
	}
	end := Position{last, utf8.RuneCountInString(lines[last-1]) + 1}
	fix.Edits = append(fix.Edits, Edit{Pos: end, End: end, New: "\n" + indent + "end_subtest()"})
	return fix
}

// assertCall is `assert cond, msg` as assert_true(cond, msg).
func assertCall(line string, m []int) string {
	args := splitTopLevelArgs(line[m[4]:m[5]])
	comment := ""
	if m[6] >= 0 {
		comment = "  " + line[m[6]:m[7]]
	}
	return line[m[2]:m[3]] + "assert_true(" + strings.Join(args, ", ") + ")" + comment
}

// raiseCall is `raise E(args)` as fail(args).
func raiseCall(line string, m []int) string {
	comment := ""
	if m[6] >= 0 {
		comment = "  " + line[m[6]:m[7]]
	}
	return line[m[2]:m[3]] + "fail(" + line[m[4]:m[5]] + ")" + comment
}

// delCall is `del x[key]` as x.pop(key), which fails on a missing key as
// del does; false for other targets and for slices.
func delCall(line string, m []int) (string, bool) {
	target := line[m[4]:m[5]]
	open := strings.IndexByte(target, '[')
	if open <= 0 || !strings.HasSuffix(target, "]") || len(splitTopLevelArgs(target)) != 1 {
		return "", false
	}
	key := target[open+1 : len(target)-1]
	if strings.ContainsAny(key, ":[") || len(splitTopLevelArgs(key)) != 1 {
		return "", false
	}
	comment := ""
	if m[6] >= 0 {
		comment = "  " + line[m[6]:m[7]]
	}
	return line[m[2]:m[3]] + target[:open] + ".pop(" + key + ")" + comment, true
}

// predeclaredModules reports whether `import a, b` names only modules vmt
// predeclares.
func predeclaredModules(list string) bool {
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "json", "re", "shlex", "time":
		default:
			return false
		}
	}
	return true
}

// splitTopLevelArgs splits source text at commas outside brackets and
// strings.
func splitTopLevelArgs(s string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if last := strings.TrimSpace(s[start:]); last != "" {
		parts = append(parts, last)
	}
	return parts
}

// replaceIs rewrites `is not` as != and `is` as ==, outside strings; safe
// reports whether every right-hand side is None, True or False, where
// identity and equality agree.
func replaceIs(line string) (string, bool) {
	safe := true
	var b strings.Builder
	last := 0
	for _, m := range isOperator.FindAllStringSubmatchIndex(line, -1) {
		if outsideCode(line, m[0]) {
			continue
		}
		op := " == "
		if m[2] >= 0 {
			op = " != "
		}
		switch line[m[4]:m[5]] {
		case "None", "True", "False":
		default:
			safe = false
		}
		b.WriteString(line[last:m[0]])
		b.WriteString(op)
		last = m[4]
	}
	b.WriteString(line[last:])
	return b.String(), safe
}

// stripAnnotations removes the type annotations of a one-line def or of
// an annotated assignment.
func stripAnnotations(line string) (string, bool) {
	indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	code, comment := splitComment(line)
	code = strings.TrimSpace(code)
	if !strings.HasPrefix(code, "def ") {
		name, rest, ok := strings.Cut(code, ":")
		_, value, hasValue := strings.Cut(rest, "=")
		if !ok || !hasValue {
			return "", false
		}
		return indent + strings.TrimSpace(name) + " = " + strings.TrimSpace(value) + comment, true
	}
	open, close := strings.IndexByte(code, '('), strings.LastIndexByte(code, ')')
	if open < 0 || close < open || !strings.HasSuffix(code, ":") {
		return "", false
	}
	var params []string
	for _, p := range splitTopLevelArgs(code[open+1 : close]) {
		name, def, hasDefault := strings.Cut(p, "=")
		name, _, _ = strings.Cut(name, ":")
		name = strings.TrimSpace(name)
		if hasDefault {
			name += "=" + strings.TrimSpace(def)
		}
		params = append(params, name)
	}
	return indent + code[:open+1] + strings.Join(params, ", ") + "):" + comment, true
}

// codeOf is a line's code without indentation and comment, for messages.
func codeOf(line string) string {
	code, _ := splitComment(line)
	return strings.TrimSpace(code)
}

// splitComment splits a line into its code and its comment, kept with the
// blanks before it.
func splitComment(line string) (string, string) {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && !outsideCode(line, i) {
			code := strings.TrimRight(line[:i], " \t")
			return code, line[len(code):]
		}
	}
	return line, ""
}

// fstringFormat rewrites the first f-string of a line as a .format call
// when its fields are plain expressions; a field with a format spec
// becomes format(expr, "spec") when withSpecs.
func fstringFormat(line string, withSpecs bool) (string, bool) {
	m := fstringStart.FindStringSubmatchIndex(line)
	if m == nil {
		return "", false
	}
	quote := line[m[4]]
	start := m[4] + 1
	if strings.HasPrefix(line[m[4]:], strings.Repeat(string(quote), 3)) {
		return "", false
	}
	var text strings.Builder
	var args []string
	i := start
	for ; i < len(line) && line[i] != quote; i++ {
		switch c := line[i]; {
		case c == '\\':
			text.WriteString(line[i : i+2])
			i++
		case c == '{' && strings.HasPrefix(line[i:], "{{"), c == '}' && strings.HasPrefix(line[i:], "}}"):
			text.WriteString(line[i : i+2])
			i++
		case c == '{':
			end := strings.IndexByte(line[i:], '}')
			if end < 0 {
				return "", false
			}
			expr, spec, hasSpec := strings.Cut(line[i+1:i+end], ":")
			expr = strings.TrimSpace(expr)
			if expr == "" || strings.ContainsAny(expr, "{}!\"'") || strings.ContainsAny(spec, "{}\"'\\") || (hasSpec && !withSpecs) {
				return "", false
			}
			if hasSpec {
				expr = fmt.Sprintf("format(%s, %q)", expr, spec)
			}
			args = append(args, expr)
			text.WriteString("{}")
			i += end
		default:
			text.WriteByte(c)
		}
	}
	if i >= len(line) {
		return "", false
	}
	prefix := line[:m[4]-1]
	lit := string(quote) + text.String() + string(quote)
	if len(args) == 0 {
		return prefix + lit + line[i+1:], true
	}
	return prefix + lit + ".format(" + strings.Join(args, ", ") + ")" + line[i+1:], true
}
