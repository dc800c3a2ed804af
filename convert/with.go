package convert

import "strings"

// convertWith rewrites `with subtest("name"):` and its body as vmt's
// section form, `subtest("name")` followed by the body one level out,
// closed by end_subtest() where more statements follow. Sections keep
// the names assigned in them visible, as a with block does.
func (c *converter) convertWith(i int) {
	l := c.lines[i]
	code := l.code()
	line := code[0].Line
	if len(code) >= 4 && code[1].Text == "subtest" && code[2].Text == "(" {
		closing := closes(code, 2)
		if closing < 0 || closing+2 != len(code) || code[closing+1].Text != ":" {
			c.leave(l, line, "with subtest(...) in this form: write subtest(name) before the steps and end_subtest() after them")
			return
		}
		if c.inSubtest(i) {
			c.leave(l, line, "a subtest inside a subtest: vmt's sections do not nest; make the inner one subtest(name, fn)")
			return
		}
		end := c.blockEnd(i)
		if end == i+1 {
			c.leave(l, line, "a with subtest(...) without a body")
			return
		}
		c.replace(code[0].Start, code[1].Start, "")
		c.replace(code[closing+1].Start, code[closing+1].End, "")
		c.dedent(l.end, c.lines[end-1].end, len(c.lines[i+1].indent)-len(l.indent))
		if end < len(c.lines) && !(c.lines[end].indent == l.indent && isWithSubtest(c.lines[end])) {
			// At the start of the next line, after whatever ends the
			// body's last line.
			at := c.lines[end-1].end + 1
			c.replace(at, at, l.indent+"end_subtest()\n")
		}
		c.subtests = append(c.subtests, [2]int{i + 1, end})
		c.translate("with subtest")
		return
	}
	if len(code) >= 4 && code[2].Text == "." && code[3].Text == "nested" {
		c.leave(l, line, "nested log blocks: vmt has none yet; print(...) a line before the steps instead")
		return
	}
	c.leave(l, line, "with: vmt has no context managers other than subtest")
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

// dedent removes n columns of indentation from each physical line that
// starts in src[from:to], except lines that continue a string literal,
// whose text would change.
func (c *converter) dedent(from, to, n int) {
	if n <= 0 {
		return
	}
	for p := from + 1; p <= to && p < len(c.src); {
		next := strings.IndexByte(c.src[p:], '\n')
		if next < 0 {
			next = len(c.src) - p
		}
		if !c.inString(p) && len(c.src[p:p+next]) >= n && strings.TrimLeft(c.src[p:p+n], " \t") == "" {
			c.replace(p, p+n, "")
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
