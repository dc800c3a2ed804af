package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDocVerb(t *testing.T) {
	cases := []struct {
		name string
		want []string
	}{
		{"succeed", []string{"method Machine.succeed", "Machine.succeed(*commands: str, timeout: int|float|None = None) -> str"}},
		{"Machine", []string{"type Machine", "wait_for_unit(unit: str"}},
		{"Machine.succeed", []string{"method Machine.succeed"}},
		{"json.dumps", []string{"method json.dumps", "json.dumps(obj: any"}},
		{"json", []string{"module json", "dumps("}},
		{"fail", []string{"function fail", "method Machine.fail"}},
		{"copy_from_vm", []string{"method Machine.copy_from_vm", "\n    Machine.copy_from_vm(source: str", "\nDeprecated: use `copy_from_machine` instead.\n"}},
	}
	for _, c := range cases {
		out, errOut, code := runVerb(t, "", "doc", c.name)
		if code != exitOK {
			t.Errorf("vmt doc %s: exit %d, stderr %q", c.name, code, errOut)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("vmt doc %s: output lacks %q:\n%s", c.name, w, out)
			}
		}
	}
}

func TestDocVerbUnknownName(t *testing.T) {
	_, errOut, code := runVerb(t, "", "doc", "Machine.succed")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, `did you mean "Machine.succeed"?`) {
		t.Errorf("stderr lacks the suggestion: %q", errOut)
	}
	_, errOut, code = runVerb(t, "", "doc", "wait_for_unti")
	if code != exitUsage || !strings.Contains(errOut, `did you mean "wait_for_unit"?`) {
		t.Errorf("bare member typo: exit %d, stderr %q", code, errOut)
	}
}

func TestSymbolsVerb(t *testing.T) {
	out, _, code := runVerb(t, "", "symbols")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"start_all() -> None", "Machine.succeed(*commands: str", "module json", "type Machine", "machines: list[Machine]"} {
		if !strings.Contains(out, w) {
			t.Errorf("vmt symbols lacks %q", w)
		}
	}

	out, _, code = runVerb(t, "", "symbols", "--json")
	if code != exitOK {
		t.Fatalf("--json: exit %d", code)
	}
	var decoded struct {
		Types  []struct{ Name string } `json:"types"`
		Values []struct{ Name, Kind string }
	}
	if err := json.Unmarshal([]byte(out), &decoded); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if len(decoded.Types) == 0 || len(decoded.Values) == 0 {
		t.Errorf("--json output has %d types and %d values", len(decoded.Types), len(decoded.Values))
	}
}
