package lsp

import (
	"strings"

	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// Markdown and signatures shown by completion, hover and signature help
// for the script's own code; the table's entries render themselves
// (lang.Entry.Render), the same way for every tool.

// defSignature renders a script's def header from its source text:
// `def check(unit, timeout=30)`.
func defSignature(text *textIndex, def *syntax.DefStmt) string {
	params := make([]string, len(def.Params))
	for i, p := range def.Params {
		params[i] = nodeSource(text, p)
	}
	return "def " + def.Name.Name + "(" + strings.Join(params, ", ") + ")"
}

// defMarkdown documents a script's own function with its docstring.
func defMarkdown(text *textIndex, def *syntax.DefStmt) string {
	md := lang.CodeBlock(defSignature(text, def), lang.Markdown)
	if doc := docstring(def); doc != "" {
		md += "\n\n" + doc
	}
	return md
}

// docstring returns a def's leading string literal, dedented.
func docstring(def *syntax.DefStmt) string {
	if len(def.Body) == 0 {
		return ""
	}
	stmt, ok := def.Body[0].(*syntax.ExprStmt)
	if !ok {
		return ""
	}
	lit, ok := stmt.X.(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return ""
	}
	s, _ := lit.Value.(string)
	return dedent(s)
}

// dedent removes the indentation docstrings share after their first line.
func dedent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	indent := -1
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i := 1; i < len(lines) && indent > 0; i++ {
		if len(lines[i]) >= indent {
			lines[i] = lines[i][indent:]
		}
	}
	return strings.Join(lines, "\n")
}

// nodeSource is the source text of a node.
func nodeSource(text *textIndex, n syntax.Node) string {
	start, end := n.Span()
	return text.text[text.starlarkOffset(int(start.Line), int(start.Col)):text.starlarkOffset(int(end.Line), int(end.Col))]
}

// nodeRange is the LSP range of a node.
func nodeRange(text *textIndex, n syntax.Node) protocol.Range {
	start, end := n.Span()
	return protocol.Range{
		Start: text.starlarkPosition(int(start.Line), int(start.Col)),
		End:   text.starlarkPosition(int(end.Line), int(end.Col)),
	}
}

func markdown(value string) *protocol.MarkupContent {
	return &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: value}
}
