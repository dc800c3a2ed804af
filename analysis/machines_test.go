package analysis

import (
	"slices"
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
		if got := machinesOf(src, c.cfg); !slices.Equal(got, c.want) {
			t.Errorf("machines with %v = %q, want %q", c.cfg.Machines, got, c.want)
		}
	}
	if got := machinesOf([]byte("machine.succeed('x')\n"), Config{}); got != nil {
		t.Errorf("no source names machines: got %q, want nil", got)
	}
	// A script that does not parse still yields its directive.
	if got := machinesOf([]byte("# vmt: machines=a\nif (\n"), Config{}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("unparsable script: got %q", got)
	}
	// vmt run names the machines itself: the directive is for editors.
	if got := machinesOf(src, Config{Machines: []string{"a"}, Exact: true}); !slices.Equal(got, []string{"a", "extra", "other"}) {
		t.Errorf("exact: got %q", got)
	}
}

func machinesOf(src []byte, cfg Config) []string {
	return Analyze("t.star", src, cfg).Globals.Machines.Names
}

func TestDeclaredVLANs(t *testing.T) {
	file, err := syntax.Parse("t.star", `create_machine("a", vlans = [1, (2)])
create_machine("b", vlans = (3,))
create_machine("c", vlans = computed, cores = 2)
other(vlans = [9])
`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := declaredVLANs(file); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("declaredVLANs = %v, want [1 2 3]", got)
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
	findings := Analyze("t.star", []byte("web_1.succeed('x')\nserver.succeed('y')\n"), Config{Machines: got}).Errors()
	if len(findings) != 0 {
		t.Errorf("start-script machines should be globals: %+v", findings)
	}
}
