package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/vmt-dev/vmt/internal/udiff"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// assertionError is a failed assertion: a one-line message and the
// details that explain it (a diff, the haystack).
type assertionError struct {
	msg    string
	detail string
}

func (e *assertionError) Error() string {
	if e.detail == "" {
		return e.msg
	}
	return e.msg + "\n" + e.detail
}

// withMsg puts the script's own message in front of the assertion's.
func withMsg(c *call, what string) string {
	if msg, ok := c.args.optStr("msg"); ok && msg != "" {
		return msg + ": " + what
	}
	return what
}

func assertEq(c *call) (starlark.Value, error) {
	actual, expected := c.args.value("actual"), c.args.value("expected")
	eq, err := starlark.Equal(actual, expected)
	if err != nil {
		return nil, err
	}
	if eq {
		return starlark.None, nil
	}
	return nil, &assertionError{msg: withMsg(c, "assert_eq: values differ"), detail: difference(expected, actual)}
}

func assertNe(c *call) (starlark.Value, error) {
	actual, unexpected := c.args.value("actual"), c.args.value("unexpected")
	eq, err := starlark.Equal(actual, unexpected)
	if err != nil {
		return nil, err
	}
	if !eq {
		return starlark.None, nil
	}
	return nil, &assertionError{msg: withMsg(c, "assert_ne: both values are "+shortRepr(actual))}
}

func assertTrue(c *call) (starlark.Value, error) {
	return assertTruth(c, true)
}

func assertFalse(c *call) (starlark.Value, error) {
	return assertTruth(c, false)
}

func assertTruth(c *call, want bool) (starlark.Value, error) {
	v := c.args.value("cond")
	if bool(v.Truth()) == want {
		return starlark.None, nil
	}
	if msg, ok := c.args.optStr("msg"); ok && msg != "" {
		return nil, &assertionError{msg: msg}
	}
	return nil, &assertionError{msg: fmt.Sprintf("assert_%t: got %s", want, shortRepr(v))}
}

// contains evaluates `needle in haystack` with Starlark's semantics.
func contains(needle, haystack starlark.Value) (bool, error) {
	v, err := starlark.Binary(syntax.IN, needle, haystack)
	if err != nil {
		return false, err
	}
	return bool(v.Truth()), nil
}

func assertIn(c *call) (starlark.Value, error) {
	needle, haystack := c.args.value("needle"), c.args.value("haystack")
	in, err := contains(needle, haystack)
	if err != nil || in {
		return starlark.None, err
	}
	return nil, &assertionError{
		msg:    withMsg(c, fmt.Sprintf("assert_in: %s not found in %s", shortRepr(needle), haystack.Type())),
		detail: "searched:\n" + indent(plainText(haystack)),
	}
}

func assertNotIn(c *call) (starlark.Value, error) {
	needle, haystack := c.args.value("needle"), c.args.value("haystack")
	in, err := contains(needle, haystack)
	if err != nil || !in {
		return starlark.None, err
	}
	return nil, &assertionError{
		msg:    withMsg(c, fmt.Sprintf("assert_not_in: %s found in %s", shortRepr(needle), haystack.Type())),
		detail: whereFound(needle, haystack),
	}
}

// whereFound says where needle is in haystack: the line of a string, the
// index of a list or tuple.
func whereFound(needle, haystack starlark.Value) string {
	text, isText := starlark.AsString(haystack)
	sub, isSub := starlark.AsString(needle)
	if isText && isSub {
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, sub) {
				return fmt.Sprintf("at line %d: %s", i+1, line)
			}
		}
	}
	if seq, ok := haystack.(starlark.Indexable); ok {
		for i := 0; i < seq.Len(); i++ {
			if eq, _ := starlark.Equal(seq.Index(i), needle); eq {
				return fmt.Sprintf("at index %d", i)
			}
		}
	}
	return "in:\n" + indent(plainText(haystack))
}

// plainText shows a string as its lines, anything else as its pretty repr.
func plainText(v starlark.Value) string {
	if s, ok := starlark.AsString(v); ok {
		return s
	}
	return pretty(v)
}

// assertFails calls fn and returns its error message, failing unless it
// fails. Stopping the test (timeout, Ctrl-C) is not a failure it catches.
func assertFails(c *call) (starlark.Value, error) {
	fn := c.args.value("fn")
	kwargs := c.args.value("kwargs").(*starlark.Dict).Items()
	result, err := starlark.Call(c.thread, fn, c.args.tuple("args"), kwargs)
	if err == nil {
		return nil, &assertionError{msg: fmt.Sprintf("assert_fails: the call succeeded and returned %s", shortRepr(result))}
	}
	var stopped *stoppedError
	if errors.As(err, &stopped) {
		return nil, err
	}
	msg := err.Error()
	if pattern, ok := c.args.optStr("match"); ok {
		re, rerr := regexp.Compile(pattern)
		if rerr != nil {
			return nil, fmt.Errorf("assert_fails: match: %v", rerr)
		}
		if !re.MatchString(msg) {
			return nil, &assertionError{msg: fmt.Sprintf("assert_fails: the error does not match %q", pattern), detail: "error:\n" + indent(msg)}
		}
	}
	return starlark.String(msg), nil
}

// difference shows how actual differs from expected: a line diff when
// either is more than one line, else both values.
func difference(expected, actual starlark.Value) string {
	exp, act := pretty(expected), pretty(actual)
	if es, ok := starlark.AsString(expected); ok {
		if as, ok := starlark.AsString(actual); ok {
			exp, act = es, as
		}
	}
	if !strings.Contains(exp, "\n") && !strings.Contains(act, "\n") {
		return fmt.Sprintf("expected: %s\nactual:   %s", shortRepr(expected), shortRepr(actual))
	}
	return udiff.Diff("expected", "actual", withNewline(exp), withNewline(act))
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// pretty is a repr that puts the elements of a long list, tuple, dict or
// set on lines of their own, so that a line diff can point at one.
func pretty(v starlark.Value) string {
	if len(v.String()) <= 60 {
		return v.String()
	}
	var b strings.Builder
	writePretty(&b, v, "")
	return b.String()
}

func writePretty(b *strings.Builder, v starlark.Value, indent string) {
	// The depth bound also stops at a list that contains itself.
	if len(v.String()) <= 60 || len(indent) > 16 {
		b.WriteString(v.String())
		return
	}
	open, close := "", ""
	var elems []starlark.Value
	var keys []starlark.Value
	switch x := v.(type) {
	case *starlark.List:
		open, close = "[", "]"
		for i := 0; i < x.Len(); i++ {
			elems = append(elems, x.Index(i))
		}
	case starlark.Tuple:
		open, close, elems = "(", ")", x
	case *starlark.Set:
		open, close = "set([", "])"
		iter := x.Iterate()
		var e starlark.Value
		for iter.Next(&e) {
			elems = append(elems, e)
		}
		iter.Done()
	case *starlark.Dict:
		open, close = "{", "}"
		for _, kv := range x.Items() {
			keys = append(keys, kv[0])
			elems = append(elems, kv[1])
		}
	default:
		b.WriteString(v.String())
		return
	}
	b.WriteString(open + "\n")
	for i, e := range elems {
		b.WriteString(indent + "  ")
		if keys != nil {
			b.WriteString(keys[i].String() + ": ")
		}
		writePretty(b, e, indent+"  ")
		b.WriteString(",\n")
	}
	b.WriteString(indent + close)
}

// shortRepr is a value's repr cut to a readable length.
func shortRepr(v starlark.Value) string {
	s := v.String()
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}
