package lang

import (
	"fmt"
	"strings"
)

// Format is how documentation is written out.
type Format int

const (
	// Markdown is for editors (hover, signature help, completion) and
	// docs/api.md.
	Markdown Format = iota
	// Text is for the terminal (vmt doc): no fences, no bold.
	Text
)

// codeLanguage labels Markdown code blocks: every Markdown viewer
// highlights Python, and Starlark reads as Python.
const codeLanguage = "python"

// CodeBlock sets code apart from the prose around it: fenced in Markdown,
// indented in text.
func CodeBlock(code string, f Format) string {
	if f == Text {
		return "    " + strings.ReplaceAll(code, "\n", "\n    ")
	}
	return "```" + codeLanguage + "\n" + code + "\n```"
}

// Deprecation is the note on a deprecated callable, in the one wording
// every tool shows.
func Deprecation(replacement string, f Format) string {
	if f == Text {
		return "Deprecated: use `" + replacement + "` instead."
	}
	return "**Deprecated:** use `" + replacement + "` instead."
}

// FuncEntry is the entry of a function; owner is its type or module, nil
// for a global.
func FuncEntry(owner *Type, f *Func) Entry {
	return Entry{Path: memberPath(owner, f.Name), Func: f, Owner: owner}
}

// ValueEntry is the entry of a value; owner is its type, nil for a global.
func ValueEntry(owner *Type, v *Attr) Entry {
	return Entry{Path: memberPath(owner, v.Name), Value: v, Owner: owner}
}

// TypeEntry is the entry of a type or module.
func TypeEntry(ty *Type) Entry {
	return Entry{Path: ty.Name, Type: ty}
}

func memberPath(owner *Type, name string) string {
	if owner == nil {
		return name
	}
	return owner.Name + "." + name
}

// Declaration is how the entry is written in code: the signature of a
// callable (`Machine.succeed(*commands: str, ...) -> str`), `name: type` for
// a value, "" for a type or module.
func (e Entry) Declaration() string {
	switch {
	case e.Func != nil:
		return memberPath(e.Owner, e.Func.Signature())
	case e.Value != nil:
		return e.Path + ": " + e.Value.Type
	}
	return ""
}

// Render is the entry's documentation: its declaration as a code block,
// then its Body.
func (e Entry) Render(f Format) string {
	if decl := e.Declaration(); decl != "" {
		return CodeBlock(decl, f) + "\n\n" + e.Body(f)
	}
	return e.Body(f)
}

// Body is the documentation below the declaration: the deprecation note,
// the doc, then a list of the parameters or of the members. Signature help
// shows it under a signature of its own.
func (e Entry) Body(f Format) string {
	var parts []string
	switch {
	case e.Func != nil:
		if e.Func.Deprecated != "" {
			parts = append(parts, Deprecation(e.Func.Deprecated, f))
		}
		parts = append(parts, e.Func.Doc)
		var params []string
		for _, p := range e.Func.Params {
			params = append(params, fmt.Sprintf("- `%s%s` (%s%s): %s", paramPrefix(p.Kind), p.Name, p.Type, defaultNote(p), p.Doc))
		}
		parts = append(parts, strings.Join(params, "\n"))
	case e.Value != nil:
		parts = append(parts, e.Value.Doc)
	case e.Type != nil:
		parts = append(parts, e.Type.Doc)
		var members []string
		for _, a := range e.Type.Attrs {
			members = append(members, fmt.Sprintf("- `%s` (`%s`): %s", a.Name, a.Type, Summary(a.Doc)))
		}
		for _, m := range e.Type.Methods {
			line := fmt.Sprintf("- `%s`: %s", m.Signature(), Summary(m.Doc))
			if m.Deprecated != "" {
				line += " " + Deprecation(m.Deprecated, f)
			}
			members = append(members, line)
		}
		parts = append(parts, strings.Join(members, "\n"))
	}
	var b strings.Builder
	for _, part := range parts {
		if part == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(part)
	}
	b.WriteString("\n")
	return b.String()
}

func paramPrefix(k ParamKind) string {
	switch k {
	case Variadic:
		return "*"
	case VarKeyword:
		return "**"
	}
	return ""
}

func defaultNote(p Param) string {
	switch {
	case p.Kind == KeywordOnly && p.Default == "":
		return ", keyword-only, required"
	case p.Kind == KeywordOnly:
		return ", keyword-only, default `" + p.Default + "`"
	case p.Default != "":
		return ", default `" + p.Default + "`"
	case p.Required():
		return ", required"
	}
	return ""
}
