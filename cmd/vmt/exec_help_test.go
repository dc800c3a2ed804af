package main

import (
	"strings"
	"testing"
)

func TestExecHelpDocumentsExitStatuses(t *testing.T) {
	stdout, _, _ := runVerb(t, "", "exec", "--help")
	for _, s := range []string{"124", "125", "127", "-c, --config", "-f, --filter", "-k, --kernel", "--kargs", "-r, --rootfs", "-a, --arch", "-q, --qemu-command", "-j, --jobs", "--net", "--timeout"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("vmt exec --help does not mention %q", s)
		}
	}
}
