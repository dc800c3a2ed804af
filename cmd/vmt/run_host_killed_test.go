//go:build integration

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/syncbuf"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// A `vmt run` SIGKILLed during a host.run whose command started processes
// of its own (one of them in a session of its own) leaves none of them
// behind. The script has no machine, so no QEMU runs.
func TestRunKilledDuringHostRunLeavesNothing(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	tmp := qemutest.TempDir(t)
	dir := t.TempDir()
	// A sleep of over a day, unique to this test, for qemutest.Processes.
	tag := fmt.Sprintf("100000.%d%d", os.Getpid(), time.Now().UnixNano()%1e6)
	script := filepath.Join(dir, "host.star")
	os.WriteFile(script, []byte(fmt.Sprintf(`host.run("sleep %[1]s & (setsid sleep %[1]s &); wait", timeout = None)`+"\n", tag)), 0o644)
	var out syncbuf.Buffer
	cmd := vmtRunIn(vmt, tmp, "", &out, "-o", dir, script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sleeping := func() bool {
		n := 0
		for _, cmdline := range qemutest.Processes(tag) {
			if cmdline == "sleep "+tag {
				n++
			}
		}
		return n == 2
	}
	for deadline := time.Now().Add(time.Minute); !sleeping(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the host command's sleeps did not start: %v\n%s", qemutest.Processes(tag), out.String())
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if left := qemutest.ProcessesAfter(tag, 3*time.Second); len(left) > 0 {
		for pid := range left {
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
		}
		t.Fatalf("processes outlived the SIGKILLed vmt: %v", left)
	}
}
