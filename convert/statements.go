package convert

import (
	"fmt"
	"strings"
)

// depthAt returns, for each token of code, the bracket depth before it.
func depths(code []token) []int {
	d := make([]int, len(code))
	depth := 0
	for i, t := range code {
		if t.Kind == tOp && (t.Text == ")" || t.Text == "]" || t.Text == "}") {
			depth--
		}
		d[i] = depth
		if t.Kind == tOp && (t.Text == "(" || t.Text == "[" || t.Text == "{") {
			depth++
		}
	}
	return d
}

// topLevel returns the indexes of the tokens of code at depth 0 whose
// text is one of texts.
func topLevel(code []token, texts ...string) []int {
	var out []int
	d := depths(code)
	for i, t := range code {
		if d[i] == 0 && (t.Kind == tOp || t.Kind == tName) {
			for _, s := range texts {
				if t.Text == s {
					out = append(out, i)
				}
			}
		}
	}
	return out
}

// comparisons are the operators that make an expression a comparison.
var comparisons = []string{"==", "!=", "<", ">", "<=", ">=", "in", "not", "is", "and", "or", "if", "lambda"}

// convertAssert rewrites `assert cond, msg` as assert_true(cond, msg),
// or as assert_eq, assert_ne, assert_in or assert_not_in when cond is one such
// comparison: their failures show both sides.
func (c *converter) convertAssert(l *logicalLine) {
	code := l.code()
	if len(code) < 2 {
		return
	}
	expr := code[1:]
	if commas := topLevel(expr, ","); len(commas) > 0 {
		expr = expr[:commas[0]]
	}
	fn := "assert_true"
	ops := topLevel(expr, comparisons...)
	switch {
	case len(ops) == 1 && (expr[ops[0]].Text == "==" || expr[ops[0]].Text == "is") && ops[0] > 0 && ops[0] < len(expr)-1:
		fn = "assert_eq"
		c.replace(expr[ops[0]-1].End, expr[ops[0]+1].Start, ", ")
	case len(ops) == 1 && expr[ops[0]].Text == "!=" && ops[0] > 0 && ops[0] < len(expr)-1,
		len(ops) == 2 && expr[ops[0]].Text == "is" && expr[ops[1]].Text == "not" && ops[1] == ops[0]+1 && ops[0] > 0 && ops[1] < len(expr)-1:
		fn = "assert_ne"
		c.replace(expr[ops[0]-1].End, expr[ops[len(ops)-1]+1].Start, ", ")
	case len(ops) == 1 && expr[ops[0]].Text == "in" && ops[0] > 0 && ops[0] < len(expr)-1:
		fn = "assert_in"
		c.replace(expr[ops[0]-1].End, expr[ops[0]+1].Start, ", ")
	case len(ops) == 2 && expr[ops[0]].Text == "not" && expr[ops[1]].Text == "in" && ops[1] == ops[0]+1 && ops[0] > 0 && ops[1] < len(expr)-1:
		fn = "assert_not_in"
		c.replace(expr[ops[0]-1].End, expr[ops[1]+1].Start, ", ")
	}
	c.replace(code[0].Start, code[1].Start, fn+"(")
	last := code[len(code)-1]
	c.replace(last.End, last.End, ")")
	c.translate("assert")
}

// convertRaise rewrites `raise Error(msg)` as fail(msg): a failure ends
// the test, as an uncaught exception does.
func (c *converter) convertRaise(l *logicalLine) {
	code := l.code()
	line := code[0].Line
	if len(code) >= 4 && code[1].Kind == tName && code[2].Text == "(" && code[len(code)-1].Text == ")" && closes(code, 2) == len(code)-1 {
		if code[3].Text == ")" {
			c.replace(code[0].Start, code[len(code)-1].End, fmt.Sprintf("fail(%q)", code[1].Text))
		} else {
			c.replace(code[0].Start, code[2].End, "fail(")
		}
		c.translate("raise")
		return
	}
	c.leave(l, line, "raise: vmt has no exceptions; fail(msg) fails the test")
}

// closes returns the index of the bracket that closes code[open].
func closes(code []token, open int) int {
	depth := 0
	for i := open; i < len(code); i++ {
		switch code[i].Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// predeclared are the modules every vmt script has without importing,
// and typing, whose names only annotations use (and those are removed).
var predeclared = map[string]bool{"json": true, "re": true, "shlex": true, "time": true, "typing": true}

// moduleAdvice says what to do instead of a Python module vmt lacks, or
// of a call of a mapped module the converter does not map.
var moduleAdvice = map[string]string{
	"subprocess": "host.run(args, timeout = ..., check = ..., input = ...) runs host commands; rewrite this call with it",
	"tempfile":   "host.tempdir() makes a host temporary directory, removed when the run ends; rewrite this call with it",
	"os":         "vmt scripts do not touch the host's files or environment: host.run runs a host command, host.tempdir() gives a directory",
	"sys":        "vmt scripts do not touch the host's files or environment: host.run runs a host command, host.tempdir() gives a directory",
	"urllib":     "url.encode_query(params) and url.quote(text) are vmt's URL quoting; rewrite this call with them",
}

// convertImport removes imports of modules vmt predeclares and reports
// the others.
func (c *converter) convertImport(l *logicalLine) {
	code := l.code()
	line := code[0].Line
	var modules []string
	if code[0].Text == "from" {
		if len(code) > 1 && code[1].Text == "typing" {
			c.deleteLine(l)
			c.translate("import")
			return
		}
		if len(code) > 1 && predeclared[code[1].Text] {
			c.leave(l, line, fmt.Sprintf("vmt predeclares %s: write %s.NAME where the script uses the imported names", code[1].Text, code[1].Text))
			return
		}
		if len(code) > 1 {
			modules = []string{code[1].Text}
		}
	} else {
		for i := 1; i < len(code); i++ {
			if code[i].Kind == tName && (i == 1 || code[i-1].Text == ",") {
				modules = append(modules, code[i].Text)
			}
			if code[i].Text == "as" && (predeclared[code[i-1].Text] || hostModules[code[i-1].Text]) {
				c.leave(l, line, "vmt predeclares its modules: use them by their own names, not an alias")
				return
			}
		}
	}
	var unknown []string
	for _, m := range modules {
		if !predeclared[m] && !hostModules[m] {
			unknown = append(unknown, m)
		}
	}
	if len(unknown) == 0 {
		c.deleteLine(l)
		c.translate("import")
		return
	}
	for _, m := range unknown {
		root := strings.SplitN(m, ".", 2)[0]
		advice, ok := moduleAdvice[root]
		if !ok {
			advice = "vmt has no module " + m
		}
		c.leave(l, line, fmt.Sprintf("import %s: %s", m, advice))
	}
}

// deleteLine removes a statement; a comment on its line stays.
func (c *converter) deleteLine(l *logicalLine) {
	for _, t := range l.tokens {
		if t.Kind == tComment {
			c.replace(l.tokens[0].Start, t.Start, "")
			return
		}
	}
	end := l.end
	if end < len(c.src) && c.src[end] == '\n' {
		end++
	}
	c.replace(l.start, end, "")
}

// stripDefAnnotations removes type annotations from a def line: Starlark
// has none.
func (c *converter) stripDefAnnotations(l *logicalLine) {
	code := l.code()
	d := depths(code)
	for i := 2; i < len(code); i++ {
		t := code[i]
		switch {
		case t.Text == ":" && d[i] == 1 && code[i-1].Kind == tName && strings.Contains("(,**", code[i-2].Text):
			end := i + 1
			for end < len(code) && !(d[end] == 1 && (code[end].Text == "," || code[end].Text == "=") || d[end] == 0) {
				end++
			}
			c.replace(t.Start, code[end-1].End, "")
			c.translate("annotation")
		case t.Text == "->" && d[i] == 0:
			colon := len(code) - 1
			c.replace(code[i-1].End, code[colon].Start, "")
			c.translate("annotation")
			return
		}
	}
}

// keywords are Python's statement keywords that a ':' may follow.
var keywords = map[string]bool{"else": true, "try": true, "finally": true, "lambda": true, "if": true, "elif": true, "while": true, "for": true, "except": true, "with": true, "class": true, "def": true, "match": true, "case": true}

// stripVariableAnnotation rewrites `x: T = v` as `x = v`.
func (c *converter) stripVariableAnnotation(l *logicalLine) {
	code := l.code()
	if len(code) < 3 || code[0].Kind != tName || keywords[code[0].Text] || code[1].Text != ":" {
		return
	}
	eq := topLevel(code, "=")
	if len(eq) == 0 {
		c.leave(l, code[0].Line, "a declaration without a value: Starlark has none; remove it or assign a value")
		return
	}
	c.replace(code[1].Start, code[eq[0]-1].End, "")
	c.translate("annotation")
}
