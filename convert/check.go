package convert

import (
	"fmt"
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// checkStarlark parses the converted script as vmt does and reports where
// it does not parse, unless a note already says why: the converter met
// something it did not know, and the user must hear of it.
func (c *converter) checkStarlark(out string, splices bool) *Note {
	if len(c.left) > 0 {
		return nil
	}
	if splices {
		out = dedentAll(hideSplices(out))
	}
	_, err := lang.FileOptions().Parse("script", out, 0)
	if err == nil {
		return nil
	}
	if e, ok := err.(syntax.Error); ok {
		return &Note{Line: int(e.Pos.Line), Msg: fmt.Sprintf("the result does not parse as Starlark (output line %d): %s; edit it by hand", e.Pos.Line, e.Msg)}
	}
	return &Note{Line: 1, Msg: fmt.Sprintf("the result does not parse as Starlark: %v", err)}
}

// hideSplices replaces each Nix splice, in strings and out, by
// underscores, so that the rest parses (a name outside strings, text
// inside them); lines stay where they are.
func hideSplices(src string) string {
	var b strings.Builder
	for i := 0; i < len(src); {
		if !strings.HasPrefix(src[i:], "${") {
			b.WriteByte(src[i])
			i++
			continue
		}
		n := spliceLen(src[i:])
		for _, r := range src[i : i+n] {
			if r == '\n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte('_')
			}
		}
		i += n
	}
	return b.String()
}

// dedentAll removes the indentation all non-blank lines share, as Nix
// does with an indented string.
func dedentAll(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		} else {
			lines[i] = strings.TrimLeft(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}
