package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConvertPrintsTheScriptAndASummary(t *testing.T) {
	stdout, stderr, code := runVerb(t, "", "convert", "../../convert/testdata/asserts.py")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `assert_eq(out, "machine\n")`) || strings.Contains(stdout, "assert out") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if !strings.Contains(stderr, "asserts.py: 11 translated (assert 8, f-string 1, t.assert 2); nothing left to do") {
		t.Errorf("stderr: %s", stderr)
	}
}

func TestConvertStdin(t *testing.T) {
	stdout, stderr, code := runVerb(t, "import json\nassert x is None\n", "convert", "-")
	if code != exitOK || stdout != "assert_eq(x, None)\n" || !strings.HasPrefix(stderr, "<stdin>: 2 translated (assert 1, import 1)") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestConvertCheck(t *testing.T) {
	stdout, stderr, code := runVerb(t, "", "convert", "--check", "../../convert/testdata/unsupported.py")
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, "11 left for you") {
		t.Errorf("unsupported.py: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	_, _, code = runVerb(t, "", "convert", "--check", "../../convert/testdata/subtests.py")
	if code != exitOK {
		t.Errorf("subtests.py: exit %d, want 0: nothing is left", code)
	}
}

func TestConvertWrite(t *testing.T) {
	dir := t.TempDir()
	py := filepath.Join(dir, "web.py")
	if err := os.WriteFile(py, []byte("server.succeed(f\"echo {1}\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runVerb(t, "", "convert", "-w", py); code != exitOK || !strings.Contains(stderr, "wrote "+filepath.Join(dir, "web.star")) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "web.star")); string(data) != "server.succeed(\"echo {}\".format(1))\n" {
		t.Errorf("web.star: %q", data)
	}
	// A second run does not overwrite what the first wrote.
	_, stderr, code := runVerb(t, "", "convert", "-w", py)
	if code != exitUsage || !strings.Contains(stderr, "web.star exists") {
		t.Errorf("second -w: exit %d: %s", code, stderr)
	}

	nix := filepath.Join(dir, "web.nix")
	src, err := os.ReadFile("../../convert/testdata/test.nix")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(nix, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runVerb(t, "", "convert", "-w", nix); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(nix)
	if !strings.Contains(string(data), `subtest("the page is served on ${toString port}")`) || !strings.Contains(string(data), "nodes.server = { ... }: {") {
		t.Errorf("web.nix after -w:\n%s", data)
	}
}

func TestConvertBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.py")
	os.WriteFile(bad, []byte("start_all()\nmachine.succeed('x'\n"), 0o644)
	noScript := filepath.Join(dir, "none.nix")
	os.WriteFile(noScript, []byte("{ name = \"x\"; }\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"convert"}, "convert needs a FILE.py, FILE.nix or -"},
		{[]string{"convert", bad}, bad + ": line 2, column 16: '(' was never closed"},
		{[]string{"convert", noScript}, noScript + ": no testScript attribute in this Nix file"},
		{[]string{"convert", filepath.Join(dir, "missing.py")}, "no such file or directory"},
		{[]string{"convert", "-w", "--check", bad}, "give -w or --check, not both"},
		{[]string{"convert", "-w", "-"}, "-w needs a file, not standard input"},
	} {
		_, stderr, code := runVerb(t, "x = 1\n", c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}
