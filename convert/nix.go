package convert

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// testScriptAttr finds `testScript =` and what may stand between it and
// the script's indented string: a function of the test's nodes, such as
// `{ nodes, ... }:` or `nodes:`.
var testScriptAttr = regexp.MustCompile(`(?m)(^|[\s;{])testScript\s*=\s*`)

// nixFunctionHead matches the head of a Nix function before its body.
var nixFunctionHead = regexp.MustCompile(`^(\{[^{}]*\}(\s*@\s*\w+)?|\w+(\s*@\s*\{[^{}]*\})?)\s*:\s*`)

// nixEscapes are the escapes of a Nix indented string (three single
// quotes, and two before $ or a backslash), which the Python reader must
// not see. They are swapped for placeholders while converting and put
// back after.
var nixEscapes = []string{"'''", "''$", "''\\"}

// Nix converts the testScript of a Nix file and returns the whole file
// with it converted. Every ${...} splice is kept as it is. A testScript
// that is not one indented string is reported by its form.
func Nix(src string) (Result, error) {
	loc := testScriptAttr.FindStringIndex(src)
	if loc == nil {
		return Result{}, errors.New("no testScript attribute in this Nix file")
	}
	if testScriptAttr.FindStringIndex(src[loc[1]:]) != nil {
		return Result{}, errors.New("more than one testScript attribute in this Nix file: convert each test's script separately")
	}
	at := loc[1]
	if m := nixFunctionHead.FindStringIndex(src[at:]); m != nil {
		at += m[1]
	}
	if !strings.HasPrefix(src[at:], "''") {
		return Result{}, fmt.Errorf("line %d: testScript is %s, not one indented string (''...''): convert its parts by hand or make it one string", lineOf(src, at), describeNix(src[at:]))
	}
	start := at + 2
	end, err := indentedStringEnd(src, start)
	if err != nil {
		return Result{}, err
	}
	if rest := strings.TrimLeft(src[end+2:], " \t\n"); !strings.HasPrefix(rest, ";") && !strings.HasPrefix(rest, "}") {
		return Result{}, fmt.Errorf("line %d: testScript is an indented string joined to more (%s): convert its parts by hand or make it one string", lineOf(src, end+2), describeNix(rest))
	}
	body := src[start:end]
	placeholders := make([]string, len(nixEscapes))
	for i, e := range nixEscapes {
		placeholders[i] = fmt.Sprintf("\uE000%d\uE001", i)
		body = strings.ReplaceAll(body, e, placeholders[i])
	}
	r, err := convert(body, true)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.Line += lineOf(src, start) - 1
		}
		return Result{}, err
	}
	out := r.Output
	for i, e := range nixEscapes {
		out = strings.ReplaceAll(out, placeholders[i], e)
	}
	offset := lineOf(src, start) - 1
	for i := range r.Left {
		r.Left[i].Line += offset
	}
	r.Output = src[:start] + out + src[end:]
	return r, nil
}

// indentedStringEnd returns the offset of the two single quotes that
// close the Nix indented string whose text starts at start.
func indentedStringEnd(src string, start int) (int, error) {
	for i := start; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "'''"), strings.HasPrefix(src[i:], "''$"), strings.HasPrefix(src[i:], "''\\"):
			i += 2
		case strings.HasPrefix(src[i:], "${"):
			i += spliceLen(src[i:]) - 1
		case strings.HasPrefix(src[i:], "''"):
			return i, nil
		}
	}
	return 0, fmt.Errorf("line %d: the testScript string never ends (no closing '')", lineOf(src, start))
}

// describeNix names the Nix expression at the start of s for an error.
func describeNix(s string) string {
	switch {
	case strings.HasPrefix(s, "\""):
		return `a "..." string`
	case strings.HasPrefix(s, "+"):
		return "joined with +"
	case strings.HasPrefix(s, "lib."), strings.HasPrefix(s, "builtins."):
		name := s
		if i := strings.IndexAny(s, " \t\n("); i > 0 {
			name = s[:i]
		}
		return "built with " + name
	}
	word := s
	if i := strings.IndexAny(s, " \t\n;"); i > 0 {
		word = s[:i]
	}
	return fmt.Sprintf("the expression %q", word)
}

func lineOf(src string, offset int) int { return strings.Count(src[:offset], "\n") + 1 }
