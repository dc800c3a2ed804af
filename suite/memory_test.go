package suite

import (
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
)

func TestNeedMB(t *testing.T) {
	const each = OverheadMB
	for _, tc := range []struct {
		src          string
		startScripts int
		want         int
	}{
		{"start_all()\n", 0, 0},
		{"create_machine(\"a\")\n", 0, qemu.DefaultMemoryMB + each},
		{"create_machine(\"a\", memory_size = 512)\ncreate_machine(name = \"b\", memory_size = (2048))\n", 0, 512 + 2048 + 2*each},
		{"size = 300\ncreate_machine(\"a\", memory_size = size)\n", 0, qemu.DefaultMemoryMB + each},
		{"create_machine(\"a\", memory_size = 512)\n", 2, 512 + 2*qemu.DefaultMemoryMB + 3*each},
		{"this is not starlark(\n", 1, qemu.DefaultMemoryMB + each},
	} {
		if got := NeedMB("t.star", []byte(tc.src), tc.startScripts); got != tc.want {
			t.Errorf("NeedMB(%q, %d start scripts) = %d, want %d", tc.src, tc.startScripts, got, tc.want)
		}
	}
}

func TestMemAvailable(t *testing.T) {
	meminfo := "MemTotal:       24683620 kB\nMemFree:        1000 kB\nMemAvailable:   2097152 kB\n"
	if mb, err := memAvailableMB(strings.NewReader(meminfo)); err != nil || mb != 2048 {
		t.Errorf("memAvailableMB = %d, %v; want 2048", mb, err)
	}
	if _, err := memAvailableMB(strings.NewReader("MemTotal: 1 kB\n")); err == nil || !strings.Contains(err.Error(), "no MemAvailable") {
		t.Errorf("meminfo without MemAvailable: %v", err)
	}
}
