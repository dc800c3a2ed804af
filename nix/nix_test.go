//go:build integration

// Package nix tests the flake's Nix functions (lib.<system>.vmtTest and
// lintCheck) by evaluating them with nix-instantiate against a stand-in
// for nixpkgs made of builtins (tests/stub-nixpkgs.nix): what the
// derivations would run, not a build. It needs nix-instantiate, hence the
// integration tag: go test -tags integration ./nix (scripts/test runs it).
package nix

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// drv is what tests/eval.nix shows of a derivation.
type drv struct {
	Name                   string
	BuildCommand           string
	RequiredSystemFeatures []string
	Meta                   map[string]any
	Interactive            string
}

var (
	evalOnce sync.Once
	evalDrvs map[string]drv
	evalErr  string
)

// evaluate evaluates tests/eval.nix once for all the tests.
func evaluate(t *testing.T) map[string]drv {
	t.Helper()
	evalOnce.Do(func() {
		nix, err := exec.LookPath("nix-instantiate")
		if err != nil {
			evalErr = "nix-instantiate is needed to evaluate the Nix files: " + err.Error()
			return
		}
		// --readonly-mode: path splices get their store paths without
		// being copied, so the test needs no writable store.
		cmd := exec.Command(nix, "--eval", "--strict", "--json", "--readonly-mode", filepath.Join("tests", "eval.nix"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			evalErr = fmt.Sprintf("nix-instantiate --eval tests/eval.nix: %v\n%s", err, stderr.String())
			return
		}
		if err := json.Unmarshal(out, &evalDrvs); err != nil {
			evalErr = fmt.Sprintf("decoding the evaluation: %v\n%s", err, out)
		}
	})
	if evalErr != "" {
		t.Fatal(evalErr)
	}
	return evalDrvs
}

// line returns the one line of cmd that starts with prefix.
func line(t *testing.T, what, cmd, prefix string) string {
	t.Helper()
	var found []string
	for _, l := range strings.Split(cmd, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, prefix) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d lines start with %q, want 1:\n%s", what, len(found), prefix, cmd)
	}
	return found[0]
}

func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func lacks(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s has %q:\n%s", what, w, text)
		}
	}
}

const (
	server = "/nix/store/99999999999999999999999999999999-nixos-vm/bin/run-server-vm"
	client = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-vm/bin/run-client-vm"
	script = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-test.star"
)

func TestVmtTestStartScripts(t *testing.T) {
	d := evaluate(t)["nixos"]
	if d.Name != "vmt-test-web" {
		t.Errorf("name = %q, want vmt-test-web", d.Name)
	}
	if strings.Join(d.RequiredSystemFeatures, " ") != "nixos-test kvm" {
		t.Errorf("requiredSystemFeatures = %q, want NixOS tests' [nixos-test kvm]", d.RequiredSystemFeatures)
	}
	if d.Meta["timeout"] != float64(3600+600) {
		t.Errorf("meta.timeout = %v, want the global timeout and 600 s", d.Meta["timeout"])
	}
	cmd := d.BuildCommand
	// The script path is copied to the store under its own name.
	run := line(t, "build command", cmd, "vmt run ")
	fields := strings.Fields(run)
	star := fields[len(fields)-3] // ... SCRIPT 2>&1 \
	if !strings.HasPrefix(star, "/nix/store/") || !strings.HasSuffix(star, "-hello.star") {
		t.Errorf("vmt run's script is %q, want hello.star in the store:\n%s", star, run)
	}
	contains(t, "vmt run", run,
		"--junit-xml $out/junit.xml", "-o $out",
		"--start-scripts "+server+" --start-scripts "+client,
		"--vlans 1,2", "--global-timeout 3600")
	lacks(t, "vmt run", run, "--boot-timeout", " -I ")
	contains(t, "build command", cmd, "| tee $out/log || status=$?", "set -o pipefail", `exit "$status"`,
		"export HOME=$TMPDIR VMT_CACHE_DIR=$TMPDIR/vmt-cache NO_COLOR=1",
		"echo \"report testlog $out log\" >> $out/nix-support/hydra-build-products")
	lacks(t, "build command", cmd, "nix-support/failed", "VMT_ACCEL")

	// Lint comes first, with the same machines, and is not allowed to fail.
	lint := line(t, "build command", cmd, "vmt lint ")
	if strings.Index(cmd, lint) > strings.Index(cmd, run) {
		t.Errorf("vmt lint runs after vmt run:\n%s", cmd)
	}
	want := "vmt lint --start-scripts " + server + " --start-scripts " + client + " " + star
	if lint != want {
		t.Errorf("lint line = %q, want %q", lint, want)
	}

	// The guest tools of declared machines.
	contains(t, "build command", cmd,
		"export PATH=/nix/store/00000000000000000000000000000000-vmt-0.1.0/bin:"+
			"/nix/store/33333333333333333333333333333333-qemu-test-8.2.0/bin:"+
			"/nix/store/55555555555555555555555555555555-vde2-2.3.3/bin:",
		"export VMT_QEMU=/nix/store/33333333333333333333333333333333-qemu-test-8.2.0/bin/qemu-system-x86_64",
		"export VMT_KERNEL=/nix/store/00000000000000000000000000000000-vmt-kernel-6.6.1/boot/vmlinuz-6.6.1",
		"export VMT_BUSYBOX=/nix/store/22222222222222222222222222222222-busybox-static-1.36.1/bin/busybox")

	// driverInteractive: the same environment and flags, a REPL, no $out.
	i := d.Interactive
	contains(t, "driverInteractive", i,
		"export VMT_KERNEL=", "export VMT_BUSYBOX=",
		"exec vmt run -I --start-scripts "+server+" --start-scripts "+client+` --vlans 1,2 --global-timeout 3600 "$@" `+star)
	lacks(t, "driverInteractive", i, "$out", "vmt lint", "VMT_CACHE_DIR")
}

func TestVmtTestOptions(t *testing.T) {
	d := evaluate(t)["declared"]
	if len(d.RequiredSystemFeatures) != 0 {
		t.Errorf("requiredSystemFeatures = %q, want [] as given", d.RequiredSystemFeatures)
	}
	if _, ok := d.Meta["timeout"]; ok {
		t.Errorf("meta.timeout = %v with no global timeout, want none", d.Meta["timeout"])
	}
	cmd := d.BuildCommand
	contains(t, "vmt run", line(t, "build command", cmd, "vmt run "),
		"--global-timeout 0 --boot-timeout 120 --debug --debug-timeout 600 "+script)
	lacks(t, "vmt run", line(t, "build command", cmd, "vmt run "), "--start-scripts", "--vlans")
	if l := line(t, "build command", cmd, "vmt lint "); l != "vmt lint --strict "+script {
		t.Errorf("lint line = %q, want strict lint of the script alone", l)
	}
	contains(t, "build command", cmd,
		"export VMT_ACCEL=tcg",
		"export VMT_QEMU=/nix/store/44444444444444444444444444444444-qemu-8.2.0/bin/qemu-system-x86_64",
		`echo "$status" > $out/nix-support/failed`)
	lacks(t, "build command", cmd, `exit "$status"`, "qemu-test")
}

func TestVmtTestWithoutGuestTools(t *testing.T) {
	d := evaluate(t)["bare"]
	cmd := d.BuildCommand
	lacks(t, "build command", cmd, "VMT_KERNEL", "VMT_BUSYBOX", "vmt lint")
	contains(t, "build command", cmd, "export VMT_QEMU=", "vmt run --junit-xml $out/junit.xml -o $out --start-scripts "+server+" --global-timeout 3600 "+script)
}

func TestVmtTestAArch64(t *testing.T) {
	d := evaluate(t)["aarch64"]
	contains(t, "build command", d.BuildCommand,
		"export VMT_QEMU=/nix/store/33333333333333333333333333333333-qemu-test-8.2.0/bin/qemu-system-aarch64",
		"export VMT_KERNEL=/nix/store/00000000000000000000000000000000-vmt-kernel-6.6.1/boot/vmlinuz-6.6.1")
}

func TestLintCheck(t *testing.T) {
	d := evaluate(t)["lint"]
	if d.Name != "vmt-lint-web" {
		t.Errorf("name = %q, want vmt-lint-web", d.Name)
	}
	contains(t, "build command", d.BuildCommand, "vmt lint --strict", "--machines server,client", script, "touch $out")
	if d.RequiredSystemFeatures != nil {
		t.Errorf("lintCheck requires %q; linting needs no KVM", d.RequiredSystemFeatures)
	}
}
