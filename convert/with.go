package convert

import "strings"

// convertWith rewrites a with block as vmt writes it, the body one level
// out: `with subtest("name"):` as subtest("name"), closed by
// end_subtest() where more statements follow; `with m.nested("msg"):` as
// m.nested("msg") closed by end_nested(); `with
// tempfile.TemporaryDirectory() as d:` as d = host.tempdir(). Sections
// keep the names assigned in them visible, as a with block does.
func (c *converter) convertWith(i int) {
	l := c.lines[i]
	code := l.code()
	line := code[0].Line
	colon := len(code) - 1
	if code[colon].Text != ":" {
		c.leave(l, line, "a with block whose body is on its line: put the body on lines of its own and convert again")
		return
	}
	expr, as := code[1:colon], []token(nil)
	if k := topLevel(expr, "as"); len(k) == 1 {
		expr, as = expr[:k[0]], expr[k[0]+1:]
	}
	end := c.blockEnd(i)
	switch {
	case len(topLevel(expr, ",")) > 0:
		c.leave(l, line, "a with block of several context managers: write one block for each and convert again")
		return
	case end == i+1:
		c.leave(l, line, "a with block without a body")
		return
	case isCall(expr, "subtest") && as == nil:
		if c.inSubtest(i) {
			c.leave(l, line, "a subtest inside a subtest: vmt's sections do not nest; make the inner one subtest(name, fn)")
			return
		}
		c.replace(code[0].Start, expr[0].Start, "")
		c.replace(code[colon].Start, code[colon].End, "")
		if end < len(c.lines) && !(c.lines[end].indent == l.indent && isWithSubtest(c.lines[end])) {
			c.closeBlock(l, end, "end_subtest()")
		}
		c.subtests = append(c.subtests, [2]int{i + 1, end})
		c.translate("with subtest")
	case len(expr) > 2 && expr[1].Text == "." && isCall(expr[2:], "nested") && as == nil:
		start := expr[0].Start
		if expr[0].Text == "log" {
			start = expr[2].Start // the driver's log: vmt's global nested
		}
		c.replace(code[0].Start, start, "")
		c.replace(code[colon].Start, code[colon].End, "")
		if end < len(c.lines) {
			c.closeBlock(l, end, "end_nested()")
		}
		c.translate("with nested")
	case len(expr) > 2 && expr[0].Text == "tempfile" && expr[1].Text == "." && isCall(expr[2:], "TemporaryDirectory") && len(as) == 1:
		c.replace(code[0].Start, code[colon].End, as[0].Text+" = host.tempdir()")
		c.translate("temporary directory")
	default:
		c.leave(l, line, "with: vmt has no context managers but subtest, nested and tempfile.TemporaryDirectory")
		return
	}
	c.dedent(l.end, c.lines[end-1].end, len(c.lines[i+1].indent)-len(l.indent))
}

// isCall reports whether tokens are one call of the named function.
func isCall(tokens []token, name string) bool {
	return len(tokens) >= 3 && tokens[0].Text == name && tokens[1].Text == "(" && closes(tokens, 1) == len(tokens)-1
}

// closeBlock adds the statement that closes the block l opens, at the
// start of the line after its body (whose last line is lines[end-1]).
func (c *converter) closeBlock(l *logicalLine, end int, statement string) {
	at := c.lines[end-1].end + 1
	c.replace(at, at, l.indent[c.dedents[l.start]:]+statement+"\n")
}

// isWithSubtest reports whether l is a `with subtest(...)` line.
func isWithSubtest(l *logicalLine) bool {
	code := l.code()
	return len(code) > 2 && code[0].Text == "with" && code[1].Text == "subtest" && code[2].Text == "("
}

// inSubtest reports whether line i is in the body of a converted subtest.
func (c *converter) inSubtest(i int) bool {
	for _, r := range c.subtests {
		if i >= r[0] && i < r[1] {
			return true
		}
	}
	return false
}

// blockEnd returns the index of the first logical line after the block
// that line i opens.
func (c *converter) blockEnd(i int) int {
	j := i + 1
	for j < len(c.lines) && len(c.lines[j].indent) > len(c.lines[i].indent) {
		j++
	}
	return j
}

// dedent removes n more columns of indentation from each physical line
// that starts in src[from:to], except lines that continue a string
// literal, whose text would change. Blocks inside blocks add up.
func (c *converter) dedent(from, to, n int) {
	if n <= 0 {
		return
	}
	for p := from + 1; p <= to && p < len(c.src); {
		next := strings.IndexByte(c.src[p:], '\n')
		if next < 0 {
			next = len(c.src) - p
		}
		cut := c.dedents[p] + n
		if !c.inString(p) && next >= cut && strings.TrimLeft(c.src[p:p+cut], " \t") == "" {
			c.dedents[p] = cut
		}
		p += next + 1
	}
}

// inString reports whether offset p falls inside a string literal.
func (c *converter) inString(p int) bool {
	for _, l := range c.lines {
		if l.start > p {
			break
		}
		for _, t := range l.tokens {
			if t.Kind == tString && t.Start < p && p < t.End {
				return true
			}
		}
	}
	return false
}
