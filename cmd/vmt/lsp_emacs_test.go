//go:build integration

package main

import (
	"context"
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

// emacsReport is what testdata/emacs_check.el records.
type emacsReport struct {
	Errors      []string `json:"errors"`
	Mode        string   `json:"mode"`
	Server      string   `json:"server"`
	Completion  []string `json:"completion"`
	Hover       string   `json:"hover"`
	Diagnostics []int    `json:"diagnostics"`
}

// TestEmacsClient runs Emacs in batch mode with editors/emacs on its
// load-path: vmt-mode must take the script and eglot must reach the vmt
// binary built here through the entry vmt-mode adds, then completion after
// `machine.`, hover and diagnostics are checked as for Neovim.
func TestEmacsClient(t *testing.T) {
	emacs, err := exec.LookPath("emacs")
	if err != nil {
		t.Fatalf("emacs is not installed: this test runs vmt lsp under Emacs and eglot; install Debian's emacs-nox and elpa-eglot packages (apt-get install --no-install-recommends emacs-nox elpa-eglot)")
	}
	dir := t.TempDir()
	bin := buildVMT(t, dir)
	editorsEmacs, err := filepath.Abs("../../editors/emacs")
	if err != nil {
		t.Fatal(err)
	}
	checkScript, err := filepath.Abs("testdata/emacs_check.el")
	if err != nil {
		t.Fatal(err)
	}
	script := copyScript(t, dir)
	out := filepath.Join(dir, "report.json")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emacs, "--batch", "-l", checkScript)
	cmd.Env = append(os.Environ(), "VMT_EDITORS_EMACS="+editorsEmacs, "VMT_BIN="+bin, "VMT_SCRIPT="+script, "VMT_OUT="+out, "HOME="+dir)
	cmd.Dir = dir
	output, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("emacs did not finish within a minute:\n%s", output)
	}
	data, readErr := os.ReadFile(out)
	if readErr != nil {
		t.Fatalf("emacs wrote no report (%v, exit %v):\n%s", readErr, err, output)
	}
	var report emacsReport
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("report %s: %v", data, err)
	}
	if len(report.Errors) > 0 {
		t.Fatalf("the check in emacs failed: %v\n%s", report.Errors, output)
	}
	if report.Mode != "vmt-mode" {
		t.Errorf("major mode of a .star file is %q, want vmt-mode", report.Mode)
	}
	if report.Server != bin {
		t.Errorf("eglot started %q, want %q from vmt-lsp-command", report.Server, bin)
	}
	want := lang.Default.Type("Machine").MemberNames()
	if got := slices.Sorted(slices.Values(report.Completion)); !slices.Equal(got, want) {
		t.Errorf("completion after machine. is\n%v\nwant the Machine members\n%v", got, want)
	}
	if succeed := lang.Default.Method("Machine", "succeed"); !strings.Contains(report.Hover, succeed.Doc) {
		t.Errorf("hover on succeed is %q, want its doc", report.Hover)
	}
	if !slices.Equal(report.Diagnostics, []int{3}) {
		t.Errorf("diagnostics on lines %v, want one on line 3, the half-typed one", report.Diagnostics)
	}
}
