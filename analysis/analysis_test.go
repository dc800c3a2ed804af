package analysis

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// The binder's messages are the ones lint and vmt run both print.
func TestBind(t *testing.T) {
	assertEq := lang.Default.Func("assert_eq")
	cases := []struct {
		keywords []string
		want     []string
	}{
		{[]string{"", ""}, nil},
		{[]string{"", "", "msg"}, nil},
		{[]string{""}, []string{`assert_eq() is missing the argument "expected"`}},
		{[]string{"", "", "", ""}, []string{`assert_eq() takes at most 3 positional arguments, got 4`}},
		{[]string{"", "", "mgs"}, []string{`assert_eq() has no parameter "mgs"; did you mean "msg"?`}},
		{[]string{"", "", "actual"}, []string{`assert_eq() got the argument "actual" twice`}},
	}
	for _, c := range cases {
		_, problems := Bind(assertEq, "assert_eq()", c.keywords, false)
		var got []string
		for _, p := range problems {
			got = append(got, p.Msg)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Bind(%q) = %q, want %q", c.keywords, got, c.want)
		}
	}
	// With *args or **kwargs spread, nothing is known to be missing.
	if _, problems := Bind(assertEq, "assert_eq()", []string{""}, true); len(problems) != 0 {
		t.Errorf("spread call: %+v", problems)
	}
}

// vmt run knows the test's machines and VLANs exactly; lint and editors
// take every vlanN to exist and read the machines of the directive.
func TestGlobals(t *testing.T) {
	src := []byte("# vmt: machines=a,b\ncreate_machine(\"c\", vlans=[2])\n")
	exact := Analyze("t.star", src, Config{Machines: []string{"web-1"}, VLANs: []int{1}, Exact: true}).Globals
	loose := Analyze("t.star", src, Config{}).Globals
	for _, c := range []struct {
		name         string
		exact, loose bool
	}{
		{"web_1", true, false},
		{"a", false, true},
		{"c", true, true},
		{"machine", false, false},
		{"vlan1", true, true},
		{"vlan2", true, true},
		{"vlan3", false, true},
		{"vlan01", false, false},
		{"start_all", true, true},
	} {
		if exact.Has(c.name) != c.exact || loose.Has(c.name) != c.loose {
			t.Errorf("%s: exact %v loose %v, want %v %v", c.name, exact.Has(c.name), loose.Has(c.name), c.exact, c.loose)
		}
	}
	if !Analyze("t.star", nil, Config{Machines: []string{"only"}, Exact: true}).Globals.Has("machine") {
		t.Errorf("machine is the alias of the only machine")
	}
}

// Broken lines are set aside one by one: each is reported, and the lines
// that parse are checked.
func TestBrokenLinesDoNotHideTheRest(t *testing.T) {
	src := `x = f"{1}"
y = (1 +
with subtest("s"):
    machine.succed("x")
if x is None
    print(x, y)
`
	var got []string
	for _, f := range Analyze("t.star", []byte(src), Config{}).Errors() {
		got = append(got, fmt.Sprintf("%d:%s", f.Pos.Line, f.Rule))
	}
	want := []string{"1:python-habit", "2:syntax-error", "3:python-habit", "4:unknown-attribute", "5:python-habit"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A parameter gets the type its call sites agree on.
func TestParameterTypes(t *testing.T) {
	src := `def a(node, name, other=None):
    return node, name, other
a(server, "x")
a(client, "y", other=server)
def b(node):
    return node
b(server)
b("text")
def c(node):
    return node
c(server)
subtest("c", c)
`
	s := Analyze("t.star", []byte(src), Config{Machines: []string{"server", "client"}})
	got := map[string]string{}
	for _, stmt := range s.File.Stmts {
		def, ok := stmt.(*syntax.DefStmt)
		if !ok {
			continue
		}
		for _, p := range def.Params {
			id := ParamIdent(p)
			got[def.Name.Name+"."+id.Name] = s.BindingType(s.BindingOf(id))
		}
	}
	want := map[string]string{"a.node": "Machine", "a.name": "str", "a.other": "", "b.node": "", "c.node": ""}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

// Type expressions read the same everywhere.
func TestTypeExpressions(t *testing.T) {
	for expr, want := range map[string]string{
		"list[Machine]":            "Machine",
		"list[Machine]|None":       "Machine",
		"dict[str, list[Machine]]": "list[Machine]",
		"tuple[int]":               "int",
		"str":                      "",
	} {
		if got := ElementType(expr); got != want {
			t.Errorf("ElementType(%q) = %q, want %q", expr, got, want)
		}
	}
	if got := NonNone("Match|None"); got != "Match" {
		t.Errorf("NonNone = %q", got)
	}
	if got := NonNone("int|float|None"); !strings.Contains(got, "|") {
		t.Errorf("NonNone keeps several alternatives: %q", got)
	}
}

// An f-string's format spec goes to format(value, spec) where the table
// has that builtin; without it the f-string has no safe fix.
func TestFStringRewrite(t *testing.T) {
	line := `    log(f"took {t:.1f}s on {node.name}")`
	if got, ok := fstringFormat(line, true); !ok || got != `    log("took {}s on {}".format(format(t, ".1f"), node.name))` {
		t.Errorf("with format(): %q %v", got, ok)
	}
	if got, ok := fstringFormat(line, false); ok {
		t.Errorf("without format(): %q", got)
	}
	if got, ok := fstringFormat(`x = f"{{literal}} {a}"`, false); !ok || got != `x = "{{literal}} {}".format(a)` {
		t.Errorf("braces: %q %v", got, ok)
	}
}
