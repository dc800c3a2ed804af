package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostRunIn runs src as a script file in a directory of its own, where
// its host commands run, and returns the error and that directory.
func hostRunIn(t *testing.T, src string, edit func(*Options)) (error, string) {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "t.star")
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Script: script, Source: []byte(src), OutputDir: t.TempDir(), Terminal: &testWriter{t: t}, Backend: &fakeBackend{}}
	if edit != nil {
		edit(&opts)
	}
	return Run(t.Context(), opts), dir
}

// gone waits up to two seconds for the process whose pid is in file to
// be gone (or a zombie).
func gone(t *testing.T, file string) bool {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		if fields := strings.Fields(string(stat)); len(fields) > 2 && fields[2] == "Z" {
			return true
		}
	}
	return false
}

func TestHostProcessesEndWithTheRun(t *testing.T) {
	// The background sleep outlives its command, not the run.
	err, dir := hostRunIn(t, `host.run("sleep 30 >/dev/null 2>&1 & echo $! > pid")`+"\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !gone(t, filepath.Join(dir, "pid")) {
		t.Error("a process started by host.run outlived the run")
	}
}

func TestHostRunStopsAtTheGlobalTimeout(t *testing.T) {
	began := time.Now()
	err, dir := hostRunIn(t, `host.run("echo $$ > pid; exec sleep 30", timeout = None)`+"\n", func(o *Options) {
		o.GlobalTimeout = 300 * time.Millisecond
	})
	var failure *Failure
	if !errors.As(err, &failure) || !strings.Contains(err.Error(), "global timeout") {
		t.Fatalf("got %v, want a failure by the global timeout", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("the run took %s after a global timeout of 0.3 s", took)
	}
	if !gone(t, filepath.Join(dir, "pid")) {
		t.Error("the host command outlived the global timeout")
	}
}

func TestHostTempdirsAreRemoved(t *testing.T) {
	for _, backend := range []Backend{&fakeBackend{}, &QEMU{TmpDir: t.TempDir()}} {
		err, dir := hostRunIn(t, `
d = host.tempdir()
host.run(["touch", d + "/file"])
host.run(["sh", "-c", "echo " + d + " > tempdir"])
`, func(o *Options) { o.Backend = backend })
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, "tempdir"))
		if err != nil {
			t.Fatal(err)
		}
		tmp := strings.TrimSpace(string(data))
		if q, ok := backend.(*QEMU); ok && !strings.HasPrefix(tmp, q.TmpDir+"/vmt-run-") {
			t.Errorf("tempdir %s is not in the run directory under %s", tmp, q.TmpDir)
		}
		if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("tempdir %s is left after the run (%v)", tmp, err)
		}
	}
}
