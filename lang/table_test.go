package lang

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// knownBase reports whether a base type name means something to the tools.
func knownBase(t *Table, name string) bool {
	switch name {
	case "str", "int", "float", "bool", "list", "dict", "tuple", "callable", "any", "None":
		return true
	}
	return t.Type(name) != nil
}

func checkFunc(t *testing.T, table *Table, where string, f *Func) {
	t.Helper()
	if !identifier.MatchString(f.Name) {
		t.Errorf("%s: %q is not a lower-case identifier", where, f.Name)
	}
	if f.Doc == "" || !strings.HasSuffix(strings.TrimSpace(f.Doc), ".") {
		t.Errorf("%s: doc must be a sentence ending with a period, got %q", where, f.Doc)
	}
	for _, b := range BaseTypes(f.Returns) {
		if !knownBase(table, b) {
			t.Errorf("%s: return type %q has unknown part %q", where, f.Returns, b)
		}
	}
	if f.Returns == "" {
		t.Errorf("%s: return type missing (write None)", where)
	}
	seen := map[string]bool{}
	// Parameters come as positional, *args, keyword-only, **kwargs.
	rank := map[ParamKind]int{Positional: 0, Variadic: 1, KeywordOnly: 2, VarKeyword: 3}
	lastRank := 0
	optionalSeen := false
	for _, p := range f.Params {
		pw := where + "(" + p.Name + ")"
		if seen[p.Name] {
			t.Errorf("%s: duplicate parameter", pw)
		}
		seen[p.Name] = true
		if p.Doc == "" {
			t.Errorf("%s: parameter has no doc", pw)
		}
		if p.Type == "" {
			t.Errorf("%s: parameter has no type", pw)
		}
		for _, b := range BaseTypes(p.Type) {
			if !knownBase(table, b) {
				t.Errorf("%s: type %q has unknown part %q", pw, p.Type, b)
			}
		}
		if rank[p.Kind] < lastRank {
			t.Errorf("%s: parameter kinds out of order", pw)
		}
		lastRank = rank[p.Kind]
		if p.Kind == Positional {
			if p.Default != "" {
				optionalSeen = true
			} else if optionalSeen {
				t.Errorf("%s: required positional parameter after an optional one", pw)
			}
		}
		if p.Regexp && p.Type != "str" && p.Type != "str|None" {
			t.Errorf("%s: a regular expression parameter must be a string, not %s", pw, p.Type)
		}
		if p.Default != "" {
			if _, err := syntax.ParseExpr("default", p.Default, 0); err != nil {
				t.Errorf("%s: default %q is not a Starlark expression: %v", pw, p.Default, err)
			}
		}
	}
	if f.Deprecated != "" && !strings.Contains(f.Doc, f.Deprecated) {
		t.Errorf("%s: deprecated entry's doc should name its replacement %q", where, f.Deprecated)
	}
}

func TestDefaultTableIsWellFormed(t *testing.T) {
	table := Default
	globals := map[string]bool{}
	for _, f := range table.Funcs {
		if globals[f.Name] {
			t.Errorf("global %q defined twice", f.Name)
		}
		globals[f.Name] = true
		checkFunc(t, table, f.Name, f)
		if f.Deprecated != "" && table.Func(f.Deprecated) == nil {
			t.Errorf("%s: replacement %q does not exist", f.Name, f.Deprecated)
		}
	}
	for _, v := range table.Values {
		if globals[v.Name] {
			t.Errorf("global %q defined twice", v.Name)
		}
		globals[v.Name] = true
		for _, b := range BaseTypes(v.Type) {
			if !knownBase(table, b) {
				t.Errorf("value %s: unknown type %q", v.Name, v.Type)
			}
		}
	}
	for _, ty := range table.Types {
		if ty.Doc == "" {
			t.Errorf("type %s has no doc", ty.Name)
		}
		if ty.Module && table.Value(ty.Name) == nil {
			t.Errorf("module %s has no global of the same name", ty.Name)
		}
		members := map[string]bool{}
		for _, m := range ty.Methods {
			if members[m.Name] {
				t.Errorf("%s.%s defined twice", ty.Name, m.Name)
			}
			members[m.Name] = true
			checkFunc(t, table, ty.Name+"."+m.Name, m)
			if m.Deprecated != "" && table.Method(ty.Name, m.Deprecated) == nil {
				t.Errorf("%s.%s: replacement %q does not exist", ty.Name, m.Name, m.Deprecated)
			}
		}
		for _, a := range ty.Attrs {
			if members[a.Name] {
				t.Errorf("%s.%s defined twice", ty.Name, a.Name)
			}
			members[a.Name] = true
			if a.Doc == "" || a.Type == "" {
				t.Errorf("%s.%s needs a type and a doc", ty.Name, a.Name)
			}
		}
	}
}

// The NixOS driver's names and defaults are the contract scripts port from.
func TestNixOSSignatures(t *testing.T) {
	want := map[string]string{
		"Machine.succeed":               "succeed(*commands: str, timeout: int|float|None = None) -> str",
		"Machine.execute":               "execute(command: str, check_return: bool = True, check_output: bool = True, timeout: int|float|None = 900) -> tuple[int, str]",
		"Machine.wait_for_unit":         "wait_for_unit(unit: str, user: str|None = None, timeout: int|float = 900) -> None",
		"Machine.wait_for_open_port":    "wait_for_open_port(port: int, addr: str = \"localhost\", timeout: int|float = 900) -> None",
		"Machine.copy_from_machine":     "copy_from_machine(source: str, target_dir: str = \"\") -> None",
		"Machine.start":                 "start(allow_reboot: bool = False) -> None",
		"Machine.wait_for_qmp_event":    "wait_for_qmp_event(event_filter: callable, timeout: int|float = 600) -> dict",
		"Machine.systemctl":             "systemctl(q: str, user: str|None = None) -> tuple[int, str]",
		"Machine.wait_for_console_text": "wait_for_console_text(regex: str, timeout: int|float|None = None) -> None",
		"retry":                         "retry(fn: callable, timeout: int|float = 900) -> None",
		"polling_condition":             "polling_condition(fn: callable, *, seconds_interval: int|float = 2.0, description: str|None = None) -> PollingCondition",
		"subtest":                       "subtest(name: str, fn: callable|None = None) -> any",
	}
	for path, sig := range want {
		entries := Default.Lookup(path)
		if len(entries) != 1 || entries[0].Func == nil {
			t.Errorf("%s: want one function, got %d entries", path, len(entries))
			continue
		}
		if got := entries[0].Func.Signature(); got != sig {
			t.Errorf("%s:\n got %s\nwant %s", path, got, sig)
		}
	}
	if got := Default.Method("Machine", "copy_from_vm").Deprecated; got != "copy_from_machine" {
		t.Errorf("copy_from_vm should be deprecated for copy_from_machine, got %q", got)
	}
}

// Every Machine method the runtime issue lists has an entry.
func TestMachineMethodsOfTheIssue(t *testing.T) {
	names := strings.Fields(`start connect is_up execute succeed fail wait_until_succeeds
		wait_until_fails wait_for_unit get_unit_info get_unit_property require_unit_state
		systemctl start_job stop_job wait_for_file wait_for_open_port wait_for_closed_port
		wait_for_open_unix_socket wait_for_console_text get_console_log wait_for_qmp_event
		send_monitor_command send_key send_chars send_console screenshot get_tty_text
		wait_until_tty_matches dump_tty_contents get_screen_text get_screen_text_variants
		wait_for_text wait_for_x get_window_names wait_for_window copy_from_host
		copy_from_host_via_shell copy_from_machine shutdown crash reboot wait_for_shutdown
		sleep forward_port block unblock switch_root shell_interact console_interact log`)
	for _, name := range names {
		if Default.Method("Machine", name) == nil {
			t.Errorf("Machine.%s missing", name)
		}
	}
	globals := strings.Fields(`start_all join_all create_machine subtest end_subtest retry
		polling_condition serial_stdout_on serial_stdout_off log print assert_eq assert_ne
		assert_true assert_false assert_in assert_not_in assert_fails fail`)
	for _, name := range globals {
		if Default.Func(name) == nil {
			t.Errorf("global %s missing", name)
		}
	}
	for _, name := range []string{"machines", "vlans", "re", "json", "shlex", "time"} {
		if Default.Value(name) == nil {
			t.Errorf("value %s missing", name)
		}
	}
}

func TestBaseTypes(t *testing.T) {
	cases := map[string][]string{
		"int":                  {"int"},
		"int|float|None":       {"int", "float", "None"},
		"list[str]|None":       {"list", "None"},
		"dict[str, int|float]": {"dict"},
		"tuple[int, str]":      {"tuple"},
	}
	for expr, want := range cases {
		if got := BaseTypes(expr); !slices.Equal(got, want) {
			t.Errorf("BaseTypes(%q) = %q, want %q", expr, got, want)
		}
	}
}

func TestMachineIdent(t *testing.T) {
	cases := map[string]string{
		"server":     "server",
		"web-server": "web_server",
		"1st":        "_st",
		"node1":      "node1",
		"a.b":        "a_b",
		"ünï":        "_n_",
	}
	for name, want := range cases {
		if got := MachineIdent(name); got != want {
			t.Errorf("MachineIdent(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	paths := func(entries []Entry) []string {
		var out []string
		for _, e := range entries {
			out = append(out, e.Path)
		}
		return out
	}
	cases := map[string][]string{
		"succeed":         {"Machine.succeed"},
		"Machine.succeed": {"Machine.succeed"},
		"fail":            {"fail", "Machine.fail"},
		"Machine":         {"Machine"},
		"json":            {"json"},
		"json.dumps":      {"json.dumps"},
		"Machine.nope":    nil,
		"nope":            nil,
	}
	for name, want := range cases {
		if got := paths(Default.Lookup(name)); !slices.Equal(got, want) {
			t.Errorf("Lookup(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestFileOptionsAcceptTheDialect(t *testing.T) {
	src := "x = 1\nx = 2\nif x:\n    s = set([1])\nfor i in range(2):\n    pass\nwhile False:\n    pass\n"
	opts := FileOptions()
	file, err := opts.Parse("dialect.star", src, 0)
	if err != nil {
		t.Fatalf("dialect script does not parse: %v", err)
	}
	if err := resolve.File(file, func(string) bool { return false }, IsStarlarkBuiltin); err != nil {
		t.Fatalf("dialect script does not resolve: %v", err)
	}
}
