package runtime

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// A vmt SIGKILLed while host.run runs a command that started processes
// of its own, one of them in a session of its own, leaves none of them
// behind. The test binary plays vmt: it runs the script in a child of
// itself, and kills it.
func TestHostRunLeavesNothingWhenVMTIsKilled(t *testing.T) {
	if tag := os.Getenv("VMT_TEST_HOST_KILLED_TAG"); tag != "" {
		// The vmt to kill: run the script until killed.
		err, _ := hostRunIn(t, fmt.Sprintf("host.run(\"sleep %[1]s & (setsid sleep %[1]s &); wait\", timeout = None)\n", tag), nil)
		t.Fatalf("the script ended (%v): the parent test did not kill this process", err)
	}
	// A sleep of over a day, unique to this test.
	tag := fmt.Sprintf("100000.%d%d", os.Getpid(), time.Now().UnixNano()%1e6)
	vmt := exec.Command(os.Args[0], "-test.run=^TestHostRunLeavesNothingWhenVMTIsKilled$")
	vmt.Env = append(os.Environ(), "VMT_TEST_HOST_KILLED_TAG="+tag)
	if err := vmt.Start(); err != nil {
		t.Fatal(err)
	}
	sleeping := func() bool { return len(qemutest.Processes("sleep\x00"+tag)) == 2 }
	for deadline := time.Now().Add(20 * time.Second); !sleeping(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			vmt.Process.Kill()
			vmt.Wait()
			t.Fatalf("the host command's sleeps did not start: %v", qemutest.Processes(tag))
		}
	}
	vmt.Process.Kill()
	vmt.Wait()
	if left := qemutest.ProcessesAfter(tag, 3*time.Second); len(left) > 0 {
		for pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("processes outlived the SIGKILLed vmt: %v", left)
	}
}
