package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.starlark.net/syntax"
)

func TestMachineNamesResolution(t *testing.T) {
	src := []byte(`# vmt: machines=web,db
create_machine("extra", memory_size=512)
create_machine(name="other")
create_machine(some_name)
`)
	cases := []struct {
		cfg  Config
		want []string
	}{
		{Config{}, []string{"web", "db", "extra", "other"}},
		{Config{Machines: []string{"a", "b"}}, []string{"a", "b", "extra", "other"}},
	}
	for _, c := range cases {
		if got := MachineNames(src, c.cfg); !slices.Equal(got, c.want) {
			t.Errorf("MachineNames(%v) = %q, want %q", c.cfg.Machines, got, c.want)
		}
	}
	if got := MachineNames([]byte("machine.succeed('x')\n"), Config{}); got != nil {
		t.Errorf("no source names machines: got %q, want nil", got)
	}
	// A script that does not parse still yields its directive.
	if got := MachineNames([]byte("# vmt: machines=a\nif (\n"), Config{}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("unparsable script: got %q", got)
	}
}

func TestDeclaredVLans(t *testing.T) {
	file, err := syntax.Parse("t.star", `create_machine("a", vlans = [1, (2)])
create_machine("b", vlans = (3,))
create_machine("c", vlans = computed, cores = 2)
other(vlans = [9])
`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := DeclaredVLans(file); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("DeclaredVLans = %v, want [1 2 3]", got)
	}
}

func TestMachineNamesFromStartScripts(t *testing.T) {
	got := MachineNamesFromStartScripts([]string{
		"/nix/store/abc-nixos-vm/bin/run-server-vm",
		"/nix/store/def-nixos-vm/bin/run-web-1-vm",
		"/usr/local/bin/start-something",
	})
	want := []string{"server", "web-1", "machine"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// The global of web-1 is web_1.
	findings := File("t.star", []byte("web_1.succeed('x')\nserver.succeed('y')\n"), Config{Machines: got})
	if len(findings) != 0 {
		t.Errorf("start-script machines should be globals: %+v", findings)
	}
}

func TestDisableDirectives(t *testing.T) {
	src := `# vmt: disable=unused-variable
a = 1
machine.succed("x")  # vmt: disable=unknown-attribute
# vmt: disable=undefined-name
print(nope)
print(nope2)
`
	var rules []string
	for _, f := range File("t.star", []byte(src), Config{}) {
		rules = append(rules, f.Rule+":"+strings.TrimSpace(strings.Split(src, "\n")[f.Pos.Line-1]))
	}
	want := []string{"undefined-name:print(nope2)"}
	if !slices.Equal(rules, want) {
		t.Errorf("got %q, want %q", rules, want)
	}
	all := File("t.star", []byte("# vmt: disable=all\nprint(nope)\nmachine.succed()\n"), Config{})
	if len(all) != 0 {
		t.Errorf("disable=all at the top should silence everything: %+v", all)
	}
}

// Columns count runes, not bytes, and end positions are exclusive.
func TestPositionsCountRunes(t *testing.T) {
	findings := File("t.star", []byte("print(\"ünïcödé\", nope)\n"), Config{})
	if len(findings) != 1 {
		t.Fatalf("want one finding, got %+v", findings)
	}
	f := findings[0]
	if f.Pos != (Position{1, 18}) || f.End != (Position{1, 22}) {
		t.Errorf("got %v-%v, want 1:18-1:22", f.Pos, f.End)
	}
}

func TestApplyFixes(t *testing.T) {
	src := []byte("machine.copy_from_vm(\"/ä\")\nmachine.copy_from_vm(\"/b\", \"out\")\n")
	fixed, n := ApplyFixes(src, File("t.star", src, Config{}))
	want := "machine.copy_from_machine(\"/ä\")\nmachine.copy_from_machine(\"/b\", \"out\")\n"
	if n != 2 || string(fixed) != want {
		t.Errorf("got %d fixes:\n%s", n, fixed)
	}
	// Edits outside the text are skipped, not applied half-way.
	bad := []Finding{{Fix: &Fix{Edits: []Edit{{Pos: Position{9, 1}, End: Position{9, 2}, New: "x"}}}}}
	if out, n := ApplyFixes(src, bad); n != 0 || string(out) != string(src) {
		t.Errorf("out-of-range edit applied: %d, %q", n, out)
	}
}

func TestSyntaxErrorIsTheOnlyFinding(t *testing.T) {
	findings := File("t.star", []byte("machine.succed('x')\nx = (\n"), Config{})
	if len(findings) != 1 || findings[0].Rule != "syntax-error" || findings[0].Severity != Error {
		t.Errorf("got %+v", findings)
	}
}

// The repository's example scripts lint clean.
func TestExamplesLintClean(t *testing.T) {
	examples, err := filepath.Glob("../examples/*.star")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range File(path, src, Config{}) {
			t.Errorf("%s:%d:%d: %s: %s: %s", path, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message)
		}
	}
	t.Logf("linted %d example scripts", len(examples))
}
