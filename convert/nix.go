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
var testScriptAttr = regexp.MustCompile(`(?m)(^|[\s;{.])testScript\s*=\s*`)

// nixFunctionHead matches the head of a Nix function before its body.
var nixFunctionHead = regexp.MustCompile(`^(\{[^{}]*\}(\s*@\s*\w+)?|\w+(\s*@\s*\{[^{}]*\})?)\s*:\s*`)

// nixPlaceholders stand, while the Python is converted, for the escapes
// of a Nix indented string that the Python reader must not see: two
// single quotes before $ or a backslash.
var nixPlaceholders = map[string]string{"''$": "\uE000$", "''\\": "\uE001\\"}

// fromNix reads a Nix indented string's text for the Python reader, left
// to right as Nix does: three single quotes are two, the other escapes
// become placeholders; splices stay.
func fromNix(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "'''"):
			b.WriteString("''")
			i += 3
		case strings.HasPrefix(s[i:], "''$"), strings.HasPrefix(s[i:], "''\\"):
			b.WriteString(nixPlaceholders[s[i:i+3]])
			i += 3
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}

// toNix writes converted Python back as a Nix indented string's text:
// two single quotes are three, placeholders their escapes.
func toNix(s string) string {
	s = strings.ReplaceAll(s, "''", "'''")
	for escape, placeholder := range nixPlaceholders {
		s = strings.ReplaceAll(s, placeholder, escape)
	}
	return s
}

// Nix converts every testScript of a Nix file and returns the whole file
// with them converted. Every ${...} splice is kept as it is. A testScript
// that is not one indented string is left as it is and reported by its
// form; Python that does not parse is an error.
func Nix(src string) (Result, error) {
	attrs := testScriptAttr.FindAllStringIndex(src, -1)
	if attrs == nil {
		return Result{}, errors.New("no testScript attribute in this Nix file")
	}
	total := Result{Translated: map[string]int{}}
	var out strings.Builder
	at := 0
	for _, attr := range attrs {
		start, end, err := testScriptString(src, attr[1])
		if err != nil {
			total.Left = append(total.Left, Note{Line: lineOf(src, attr[1]), Msg: err.Error()})
			continue
		}
		offset := lineOf(src, start) - 1
		r, err := convert(fromNix(src[start:end]), true)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				se.Line += offset
			}
			return Result{}, err
		}
		for k, n := range r.Translated {
			total.Translated[k] += n
		}
		for _, n := range r.Left {
			n.Line += offset
			total.Left = append(total.Left, n)
		}
		out.WriteString(src[at:start])
		out.WriteString(toNix(r.Output))
		at = end
	}
	out.WriteString(src[at:])
	total.Output = out.String()
	return total, nil
}

// nixLetIn matches the `in` of a let expression before an indented string.
var nixLetIn = regexp.MustCompile(`\bin\s*''`)

// testScriptString returns where the text of the indented string that is
// the testScript value at offset at starts and ends: the value may be a
// function of the nodes and may open with a let block.
func testScriptString(src string, at int) (start, end int, err error) {
	if m := nixFunctionHead.FindStringIndex(src[at:]); m != nil {
		at += m[1]
	}
	if strings.HasPrefix(src[at:], "let") && len(src) > at+3 && strings.ContainsRune(" \t\n", rune(src[at+3])) {
		if m := nixLetIn.FindStringIndex(src[at:]); m != nil {
			at += m[1] - 2
		}
	}
	if !strings.HasPrefix(src[at:], "''") {
		return 0, 0, fmt.Errorf("testScript is %s, not one indented string: convert it by hand, or make it one string and convert again", describeNix(src[at:]))
	}
	start = at + 2
	if end, err = indentedStringEnd(src, start); err != nil {
		return 0, 0, err
	}
	if rest := strings.TrimLeft(src[end+2:], " \t\n"); !strings.HasPrefix(rest, ";") && !strings.HasPrefix(rest, "}") {
		return 0, 0, fmt.Errorf("testScript is an indented string joined to more (%s): convert it by hand, or make it one string and convert again", describeNix(rest))
	}
	return start, end, nil
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
	return 0, fmt.Errorf("line %d: the testScript string never ends (no closing two single quotes)", lineOf(src, start))
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
