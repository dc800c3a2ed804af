package convert

import "strings"

// This file maps the host-side Python modules NixOS scripts use to vmt's
// own: subprocess to host.run, tempfile.mkdtemp to host.tempdir, and
// urllib.parse's quoting to the url module.

// hostModules are the Python modules whose calls the converter maps;
// importing them is not needed in vmt.
var hostModules = map[string]bool{"subprocess": true, "tempfile": true, "urllib": true, "urllib.parse": true}

// subprocessKeywords says what becomes of each keyword argument of
// subprocess.run and friends: kept as host.run's, or dropped because
// host.run always captures text output.
var subprocessKeywords = map[string]string{
	"timeout": "keep", "input": "keep", "check": "keep",
	"capture_output": "drop", "text": "drop", "universal_newlines": "drop", "shell": "drop", "encoding": "drop",
}

// convertHostCall rewrites the host call starting at code[i] (the module
// name) and returns whether it was one the converter knows.
func (c *converter) convertHostCall(l *logicalLine, code []token, i int) bool {
	name := func(k int) string { return next(code, i, k) }
	switch {
	case code[i].Text == "tempfile" && name(1) == "." && name(2) == "mkdtemp" && name(3) == "(" && name(4) == ")":
		c.replace(code[i].Start, code[i+4].End, "host.tempdir()")
		c.translate("tempfile")
		return true
	case code[i].Text == "urllib" && name(1) == "." && name(2) == "parse" && name(3) == "." && (name(4) == "urlencode" || name(4) == "quote") && name(5) == "(":
		fn := map[string]string{"urlencode": "url.encode_query", "quote": "url.quote"}[name(4)]
		c.replace(code[i].Start, code[i+4].End, fn)
		c.translate("urllib")
		return true
	case code[i].Text == "subprocess" && name(1) == "." && name(3) == "(":
		return c.convertSubprocess(l, code, i)
	}
	return false
}

// convertSubprocess rewrites subprocess.run, check_call and check_output
// as host.run: check_output(args) is host.run(args).stdout, run(args)
// without check=True is host.run(args, check = False).
func (c *converter) convertSubprocess(l *logicalLine, code []token, i int) bool {
	fn := code[i+2].Text
	if fn != "run" && fn != "check_call" && fn != "check_output" {
		return false
	}
	open := i + 3
	closing := closes(code, open)
	args, keywords, ok := callArgs(code, open)
	if !ok || len(args) == 0 {
		return false
	}
	for kw := range keywords {
		if subprocessKeywords[kw] == "" {
			c.leave(l, code[i].Line, "subprocess."+fn+"(..., "+kw+"=...): host.run has no "+kw+"; do without it")
			return true
		}
	}
	c.replace(code[i].Start, code[open].End, "host.run(")
	// Drop the keywords host.run does without, with their commas.
	for kw, k := range keywords {
		arg := args[k]
		// host.run checks by default, as check_call and check_output do.
		checkTrue := kw == "check" && (fn != "run" || len(arg) == 1 && arg[0].Text == "True")
		if subprocessKeywords[kw] == "drop" || checkTrue {
			start := code[open].End
			for j := open + 1; j < closing; j++ {
				if code[j].Start >= arg[0].Start {
					break
				}
				if code[j].Text == "," {
					start = code[j].Start
				}
			}
			c.replace(start, arg[len(arg)-1].End, "")
		}
	}
	_, checked := keywords["check"]
	if fn == "run" && !checked {
		c.replace(code[closing].Start, code[closing].Start, ", check = False")
	}
	if fn == "check_output" {
		end := code[closing].End
		// host.run's output is text already.
		if next(code, closing, 1) == "." && next(code, closing, 2) == "decode" && next(code, closing, 3) == "(" {
			if d := closes(code, closing+3); d > 0 {
				c.replace(code[closing].End, code[d].End, "")
				end = code[d].End
			}
		}
		c.replace(end, end, ".stdout")
	}
	c.translate("subprocess")
	return true
}

// returncodeUse rewrites CompletedProcess.returncode as HostResult.status
// in a script that imports subprocess.
func (c *converter) returncodeUse(code []token, i int) bool {
	if c.usesSubprocess && code[i].Text == "." && next(code, i, 1) == "returncode" {
		c.replace(code[i+1].Start, code[i+1].End, "status")
		return true
	}
	return false
}

// importsSubprocess reports whether the script imports subprocess.
func importsSubprocess(lines []*logicalLine) bool {
	for _, l := range lines {
		code := l.code()
		if len(code) > 1 && (code[0].Text == "import" || code[0].Text == "from") && strings.HasPrefix(code[1].Text, "subprocess") {
			return true
		}
	}
	return false
}
