package convert

// statementAdvice says what to do instead of a Python statement Starlark
// lacks, by its first word.
var statementAdvice = map[string]string{
	"try":      "try/except: vmt has no exceptions; a failed step fails the test (assert_fails(fn, match=...) expects a failure, retry(fn) retries)",
	"except":   "try/except: vmt has no exceptions; a failed step fails the test (assert_fails(fn, match=...) expects a failure, retry(fn) retries)",
	"finally":  "try/finally: vmt has no exceptions; put the steps after the block",
	"class":    "classes: Starlark has none; use functions, dicts or struct-like dicts",
	"global":   "global: Starlark functions cannot assign globals; return the value and assign it at the top level",
	"nonlocal": "nonlocal: Starlark functions cannot assign outer names; return the value instead",
	"del":      "del: Starlark has none; use dict.pop(key) or build a new list",
	"yield":    "generators: Starlark has none; build and return a list",
	"async":    "async: Starlark has none",
	"await":    "async: Starlark has none",
	"@":        "decorators: Starlark has none; call the function directly (or pass it to retry)",
}

// unsupported reports the Python a vmt script cannot have and the
// converter cannot rewrite.
func (c *converter) unsupported(l *logicalLine) {
	code := l.code()
	line := code[0].Line
	if advice, ok := statementAdvice[code[0].Text]; ok {
		c.leave(l, line, advice)
	}
	if code[0].Text == "import" || code[0].Text == "from" {
		return // convertImport's
	}
	for i, t := range code {
		next := func(k int) string { return next(code, i, k) }
		if c.edited(t.Start) {
			continue // rewritten already
		}
		switch {
		case t.Kind == tOp && t.Text == "." && next(1) == "shell" && i > 0 && code[i-1].Kind == tName:
			c.leave(l, t.Line, "machine.shell: vmt has no raw shell access; use succeed, execute or send_chars")
		case t.Kind == tOp && t.Text == "." && next(1) == "booted" && next(2) == "=":
			c.leave(l, t.Line, "machine.booted cannot be set in vmt; crash() or shutdown() changes it")
		case t.Kind == tOp && t.Text == "**" && i > 0 && code[i-1].Text != "(" && code[i-1].Text != ",":
			c.leave(l, t.Line, "**: Starlark has no power operator; multiply, or write the number")
		case t.Kind == tOp && t.Text == ":=":
			c.leave(l, t.Line, ":=: Starlark has no assignment expressions; assign on the line before")
		case t.Kind == tName && hostModules[t.Text] && next(1) == "." && (i == 0 || code[i-1].Text != "."):
			if !c.convertHostCall(l, code, i) {
				c.leave(l, t.Line, t.Text+"."+next(2)+": "+moduleAdvice[t.Text])
			}
		case c.returncodeUse(code, i):
		}
	}
}
