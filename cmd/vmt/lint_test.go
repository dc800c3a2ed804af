package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const brokenScript = `# vmt: machines=server,client
start_all()
server.succed("x")
server.copy_from_vm("/etc")
`

func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLintTextOutput(t *testing.T) {
	path := writeScript(t, t.TempDir(), "t.star", brokenScript)
	out, _, code := runVerb(t, "", "lint", path)
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	want := path + `:3:8: error: unknown-attribute: type Machine has no attribute "succed"; did you mean "succeed"?
    server.succed("x")
           ^~~~~~
` + path + `:4:8: warning: deprecated: copy_from_vm is deprecated: use copy_from_machine
    server.copy_from_vm("/etc")
           ^~~~~~~~~~~~
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestLintExitStatus(t *testing.T) {
	dir := t.TempDir()
	clean := writeScript(t, dir, "clean.star", "machine.succeed(\"true\")\n")
	warns := writeScript(t, dir, "warn.star", "machine.copy_from_vm(\"/etc\")\n")
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"lint", clean}, exitOK},
		{[]string{"lint", warns}, exitOK},
		{[]string{"lint", "--strict", warns}, exitFailed},
		{[]string{"lint", filepath.Join(dir, "missing.star")}, exitUsage},
		{[]string{"lint"}, exitUsage},
		{[]string{"lint", "--format=xml", clean}, exitUsage},
		{[]string{"lint", "--fix", "--diff", clean}, exitUsage},
		{[]string{"lint", "--explain", "no-such-rule"}, exitUsage},
		{[]string{"lint", "--explain", "unused-variable"}, exitOK},
	}
	for _, c := range cases {
		if _, errOut, code := runVerb(t, "", c.args...); code != c.want {
			t.Errorf("vmt %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), code, c.want, errOut)
		}
	}
}

func TestLintExplainSuggestsARule(t *testing.T) {
	_, errOut, code := runVerb(t, "", "lint", "--explain", "unused-varable")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, `did you mean "unused-variable"?`) || !strings.Contains(errOut, "bad-directive") {
		t.Errorf("stderr %q, want the closest rule and the list of rules", errOut)
	}
}

func TestLintStdinAndJSON(t *testing.T) {
	out, _, code := runVerb(t, brokenScript, "lint", "--format=json", "-")
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	var doc struct {
		Version  int `json:"version"`
		Findings []struct {
			File, Severity, Rule, Message string
			Line, Column                  int
			EndLine                       int `json:"end_line"`
			EndColumn                     int `json:"end_column"`
			Fix                           *struct {
				Edits []struct {
					NewText string `json:"new_text"`
				} `json:"edits"`
			} `json:"fix"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Version != 1 || len(doc.Findings) != 2 {
		t.Fatalf("want version 1 and 2 findings, got %+v", doc)
	}
	f := doc.Findings[1]
	if f.File != "<stdin>" || f.Rule != "deprecated" || f.Line != 4 || f.Column != 8 || f.EndColumn != 20 || f.Fix == nil || f.Fix.Edits[0].NewText != "copy_from_machine" {
		t.Errorf("unexpected finding %+v", f)
	}
}

func TestLintSARIF(t *testing.T) {
	out, _, _ := runVerb(t, brokenScript, "lint", "--format=sarif", "-")
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine, StartColumn int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || doc.Runs[0].ColumnKind != "unicodeCodePoints" {
		t.Fatalf("bad SARIF envelope: %s", out)
	}
	run := doc.Runs[0]
	if len(run.Tool.Driver.Rules) < 10 || len(run.Results) != 2 {
		t.Fatalf("want every rule and 2 results, got %d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
	}
	r := run.Results[0]
	if r.RuleID != "unknown-attribute" || r.Level != "error" || r.Locations[0].PhysicalLocation.Region.StartLine != 3 {
		t.Errorf("unexpected result %+v", r)
	}
}

func TestLintFixAndDiff(t *testing.T) {
	dir := t.TempDir()
	path := writeScript(t, dir, "t.star", brokenScript)

	out, _, code := runVerb(t, "", "lint", "--diff", path)
	if code != exitFailed {
		t.Errorf("--diff with pending fixes: exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(out, "-server.copy_from_vm(\"/etc\")\n+server.copy_from_machine(\"/etc\")\n") || !strings.HasPrefix(out, "--- "+path+"\n+++ "+path+"\n@@ -1,4 +1,4 @@\n") {
		t.Errorf("--diff output:\n%s", out)
	}
	if data, _ := os.ReadFile(path); string(data) != brokenScript {
		t.Error("--diff must not write the file")
	}

	out, _, code = runVerb(t, "", "lint", "--fix", path)
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `server.copy_from_machine("/etc")`) {
		t.Errorf("--fix did not rewrite the file:\n%s", data)
	}
	if code != exitFailed || strings.Contains(out, "deprecated") || !strings.Contains(out, "unknown-attribute") {
		t.Errorf("--fix should report what is left: exit %d\n%s", code, out)
	}

	out, _, code = runVerb(t, "", "lint", "--diff", path)
	if code != exitOK || out != "" {
		t.Errorf("nothing left to fix: exit %d, output %q", code, out)
	}

	// As a filter, --fix writes the fixed script to stdout.
	out, errOut, _ := runVerb(t, "machine.copy_from_vm(\"/x\")\n", "lint", "--fix", "-")
	if out != "machine.copy_from_machine(\"/x\")\n" || errOut != "" {
		t.Errorf("filter --fix: stdout %q, stderr %q", out, errOut)
	}
}

func TestLintDirectoryAndMachines(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "a.star", "server.succeed(\"true\")\nclient.succeed(\"true\")\n")
	writeScript(t, dir, "sub/b.star", "server.succeed(\"true\")\n")
	writeScript(t, dir, "testdata/broken.star", "this is not starlark(\n")
	writeScript(t, dir, ".hidden/broken.star", "this is not starlark(\n")
	writeScript(t, dir, "notes.txt", "not a script")

	if out, _, code := runVerb(t, "", "lint", "--machines", "server,client", dir); code != exitOK {
		t.Errorf("--machines: exit %d\n%s", code, out)
	}
	if out, _, code := runVerb(t, "", "lint", "--start-scripts", "/nix/store/x-run-server-vm,/nix/store/y-run-client-vm", dir); code != exitOK {
		t.Errorf("--start-scripts: exit %d\n%s", code, out)
	}
	t.Setenv("startScripts", "/nix/store/x-run-server-vm /nix/store/y-run-client-vm")
	if out, _, code := runVerb(t, "", "lint", dir); code != exitOK {
		t.Errorf("env startScripts: exit %d\n%s", code, out)
	}
	out, _, code := runVerb(t, "", "lint", "--machines", "server", dir)
	if code != exitFailed || !strings.Contains(out, `undefined name "client"`) {
		t.Errorf("--machines beats startScripts: exit %d\n%s", code, out)
	}
}
