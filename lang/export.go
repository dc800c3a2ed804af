package lang

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Export is the table in the shape `vmt symbols --json` prints, for tools
// that do not link this package.
type Export struct {
	Types  []ExportType  `json:"types"`
	Values []ExportValue `json:"values"`
}

// ExportType is a type or module with its members.
type ExportType struct {
	Name    string        `json:"name"`
	Doc     string        `json:"doc"`
	Module  bool          `json:"module"`
	Members []ExportValue `json:"members"`
}

// ExportValue is a global, a per-test global or a member. Kind is
// "function", "value" or "module"; Params and Returns are set for functions.
type ExportValue struct {
	Name       string        `json:"name"`
	Kind       string        `json:"kind"`
	Type       string        `json:"type,omitempty"`
	Params     []ExportParam `json:"params,omitempty"`
	Returns    string        `json:"returns,omitempty"`
	Signature  string        `json:"signature,omitempty"`
	Doc        string        `json:"doc"`
	Deprecated string        `json:"deprecated,omitempty"`
	// PerTest marks globals that exist depending on the test's machines;
	// their names are patterns such as "vlan<N>".
	PerTest bool `json:"per_test,omitempty"`
}

// ExportParam is one parameter. Kind is "positional", "keyword-only",
// "variadic" or "var-keyword"; Default is Starlark source, empty when
// required; Regexp marks a Go regular expression.
type ExportParam struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Default  string `json:"default,omitempty"`
	Kind     string `json:"kind"`
	Required bool   `json:"required"`
	Doc      string `json:"doc"`
	Regexp   bool   `json:"regexp,omitempty"`
}

// Export converts the table.
func (t *Table) Export() Export {
	out := Export{Types: []ExportType{}, Values: []ExportValue{}}
	for _, ty := range t.Types {
		et := ExportType{Name: ty.Name, Doc: ty.Doc, Module: ty.Module, Members: []ExportValue{}}
		for _, m := range ty.Methods {
			et.Members = append(et.Members, exportFunc(m))
		}
		for _, a := range ty.Attrs {
			et.Members = append(et.Members, ExportValue{Name: a.Name, Kind: "value", Type: a.Type, Doc: a.Doc})
		}
		out.Types = append(out.Types, et)
	}
	for _, f := range t.Funcs {
		out.Values = append(out.Values, exportFunc(f))
	}
	for _, v := range t.Values {
		kind := "value"
		if ty := t.Type(v.Type); ty != nil && ty.Module {
			kind = "module"
		}
		out.Values = append(out.Values, ExportValue{Name: v.Name, Kind: kind, Type: v.Type, Doc: v.Doc})
	}
	for _, v := range t.PerTest {
		out.Values = append(out.Values, ExportValue{Name: v.Name, Kind: "value", Type: v.Type, Doc: v.Doc, PerTest: true})
	}
	return out
}

func exportFunc(f *Func) ExportValue {
	ev := ExportValue{
		Name: f.Name, Kind: "function", Returns: f.Returns, Signature: f.Signature(),
		Doc: f.Doc, Deprecated: f.Deprecated, Params: []ExportParam{},
	}
	for _, p := range f.Params {
		ev.Params = append(ev.Params, ExportParam{
			Name: p.Name, Type: p.Type, Default: p.Default, Kind: p.Kind.String(),
			Required: p.Required(), Doc: p.Doc, Regexp: p.Regexp,
		})
	}
	return ev
}

// JSON is the export as indented JSON, ending with a newline.
func (t *Table) JSON() ([]byte, error) {
	data, err := json.MarshalIndent(t.Export(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the symbol table: %w", err)
	}
	return append(data, '\n'), nil
}

// Markdown renders the whole table as docs/api.md.
func (t *Table) Markdown() string {
	var b strings.Builder
	b.WriteString("<!-- Code generated from package lang by `go generate ./lang`. DO NOT EDIT. -->\n\n")
	b.WriteString("# vmt script API\n\n")
	b.WriteString("Scripts are Starlark (go.starlark.net) with top-level `if`/`for`/`while`, global rebinding and `set`. ")
	b.WriteString("Besides Starlark's own builtins (`len`, `str`, `range`, ...) they see the globals below. ")
	b.WriteString("`vmt doc NAME` prints one entry in the terminal.\n\n")
	b.WriteString(TimeoutRule + "\n\n" + HostPathRule + "\n\n")

	b.WriteString("## Global functions\n\n")
	for _, f := range t.Funcs {
		fmt.Fprintf(&b, "### %s\n\n%s\n", f.Name, FuncEntry(nil, f).Render(Markdown))
	}
	b.WriteString("## Global values\n\n")
	for _, v := range t.Values {
		fmt.Fprintf(&b, "- `%s` (`%s`): %s\n", v.Name, v.Type, v.Doc)
	}
	b.WriteString("\n## Per-test globals\n\n")
	for _, v := range t.PerTest {
		fmt.Fprintf(&b, "- `%s` (`%s`): %s\n", v.Name, v.Type, v.Doc)
	}
	for _, modules := range []bool{false, true} {
		if modules {
			b.WriteString("\n## Modules\n")
		} else {
			b.WriteString("\n## Types\n")
		}
		for _, ty := range t.Types {
			if ty.Module != modules {
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n%s", ty.Name, TypeEntry(ty).Render(Markdown))
			for _, m := range ty.Methods {
				e := FuncEntry(ty, m)
				fmt.Fprintf(&b, "\n#### %s\n\n%s", e.Path, e.Render(Markdown))
			}
		}
	}
	return b.String()
}
