//go:build integration

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/lang"
)

// nvimReport is what testdata/nvim_check.lua records.
type nvimReport struct {
	Errors      []string `json:"errors"`
	Filetype    string   `json:"filetype"`
	Omnifunc    string   `json:"omnifunc"`
	Completion  []string `json:"completion"`
	Hover       string   `json:"hover"`
	Diagnostics []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"diagnostics"`
}

// TestNeovimClient is the real-client check: headless Neovim, configured
// by the files in editors/nvim (on its runtimepath, not copied), starts
// the vmt binary built here as its language server, opens a script and
// asks for completion after `machine.` and for hover, as a user would.
func TestNeovimClient(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Fatalf("nvim is not installed: this test runs vmt lsp under a real Neovim; install Debian's neovim package (apt-get install neovim)")
	}
	dir := t.TempDir()
	bin := buildVMT(t, dir)
	editorsNvim, err := filepath.Abs("../../editors/nvim")
	if err != nil {
		t.Fatal(err)
	}
	checkScript, err := filepath.Abs("testdata/nvim_check.lua")
	if err != nil {
		t.Fatal(err)
	}
	script := copyScript(t, dir)
	out := filepath.Join(dir, "report.json")

	cmd := exec.Command(nvim, "--headless", "--clean",
		"--cmd", "set runtimepath^="+editorsNvim,
		"-c", "luafile "+checkScript)
	cmd.Env = append(os.Environ(), "VMT_BIN="+bin, "VMT_SCRIPT="+script, "VMT_OUT="+out, "HOME="+dir, "XDG_STATE_HOME="+dir)
	cmd.Dir = dir
	done := make(chan struct{})
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nvim: %v", err)
	}
	go func() {
		// The report says how the check went; the exit status adds nothing.
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("nvim did not finish within a minute")
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no report (%v)", err)
	}
	var report nvimReport
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("report %s: %v", data, err)
	}
	if len(report.Errors) > 0 {
		t.Fatalf("the check in nvim failed: %v", report.Errors)
	}
	if report.Filetype != "vmt" {
		t.Errorf("filetype of a .star file is %q, want vmt (editors/nvim/ftdetect)", report.Filetype)
	}
	if report.Omnifunc != "v:lua.vim.lsp.omnifunc" {
		t.Errorf("omnifunc is %q, want the LSP one", report.Omnifunc)
	}
	want := lang.Default.Type("Machine").MemberNames()
	if got := slices.Sorted(slices.Values(report.Completion)); !slices.Equal(got, want) {
		t.Errorf("completion after machine. is\n%v\nwant the Machine members\n%v", got, want)
	}
	succeed := lang.Default.Method("Machine", "succeed")
	if !strings.Contains(report.Hover, "Machine.succeed(") || !strings.Contains(report.Hover, succeed.Doc) {
		t.Errorf("hover on succeed is %q, want its signature and doc", report.Hover)
	}
	// The half-typed `machine.` is a syntax error, shown on its line.
	if len(report.Diagnostics) != 1 || report.Diagnostics[0].Line != 2 {
		t.Errorf("diagnostics are %+v, want one on line 3, the half-typed one", report.Diagnostics)
	}
}

// buildVMT builds the vmt binary into dir, as editors will run it.
func buildVMT(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "vmt")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building vmt: %v\n%s", err, out)
	}
	return bin
}

// copyScript puts the script the editor checks into dir: a machine from
// the directive comment and a half-typed `machine.` on line 3.
func copyScript(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.ReadFile("testdata/editor_script.star")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "check.star")
	if err := os.WriteFile(script, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return script
}
