package qemu

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMemorySize(t *testing.T) {
	for v, want := range map[string]int64{
		"512":                 512 << 20,
		"1G":                  1 << 30,
		"1g":                  1 << 30,
		"2048M":               2 << 30,
		"size=768":            768 << 20,
		"size=1G":             1 << 30,
		"1048576k":            1 << 30,
		"4096,something=else": 4 << 30,
	} {
		if got, err := memorySize(v); err != nil || got != want {
			t.Errorf("-m %s: %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"", "lots", "1X", "-1", "1024,slots=4,maxmem=8G", "size=1G,maxmem=4G"} {
		if got, err := memorySize(v); err == nil {
			t.Errorf("-m %q: %d, want an error", v, got)
		}
	}
}

// TestParseScriptQEMU reads what a snapshot needs from the command lines
// start scripts run, and refuses those a snapshot cannot be made of, each
// with its reason.
func TestParseScriptQEMU(t *testing.T) {
	cfg := Config{Name: "m", TmpDir: t.TempDir()}
	cfg.setDirs()
	state := cfg.stateDir()
	if err := os.MkdirAll(filepath.Join(state, "xchg"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(state, "m.qcow2"), filepath.Join(state, "efi-vars.fd"), filepath.Join(cfg.TmpDir, "other.qcow2")} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	backing := filepath.Join(t.TempDir(), "root.img")
	os.WriteFile(backing, nil, 0o644)

	q, err := parseScriptQEMU("/nix/store/x-qemu/bin/qemu-system-x86_64", []string{
		"-name", "m", "-m", "1024", "-smp", "2",
		"-drive", "file=" + filepath.Join(state, "m.qcow2") + ",if=virtio",
		"-drive", "if=pflash,format=raw,file=" + filepath.Join(state, "efi-vars.fd"),
		"-drive", "file=" + backing + ",readonly=on",
		"-virtfs", "local,path=" + filepath.Join(state, "xchg") + ",mount_tag=xchg",
	}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if q.memory != 1<<30 || !slices.Equal(q.runFiles, []string{"m.qcow2", "efi-vars.fd"}) {
		t.Errorf("memory %d, run files %v", q.memory, q.runFiles)
	}
	if q, err := parseScriptQEMU("/usr/bin/qemu-system-x86_64", []string{"-kernel", backing}, cfg); err != nil || q.memory != 128<<20 {
		t.Errorf("no -m: %v, %v (QEMU's default is 128 MiB)", q, err)
	}

	for _, c := range []struct {
		binary string
		args   []string
		why    string
	}{
		{"/usr/bin/qemu-system-aarch64", nil, "not an x86 QEMU"},
		{"/usr/bin/qemu-system-x86_64", []string{"-snapshot"}, "-snapshot"},
		{"/usr/bin/qemu-system-x86_64", []string{"-drive", "file=x.qcow2,snapshot=on"}, "snapshot=on"},
		{"/usr/bin/qemu-system-x86_64", []string{"-numa", "node"}, "-numa"},
		{"/usr/bin/qemu-system-x86_64", []string{"-mem-path", "/dev/hugepages"}, "-mem-path"},
		{"/usr/bin/qemu-system-x86_64", []string{"-machine", "memory-backend=mem"}, "RAM backend"},
		{"/usr/bin/qemu-system-x86_64", []string{"-m", "1G,maxmem=4G"}, "memory hotplug"},
		{"/usr/bin/qemu-system-x86_64", []string{"-m"}, "-m has no value"},
		{"/usr/bin/qemu-system-x86_64", []string{"-bios", "/usr/share/qemu/qboot.rom"}, "qboot"},
		{"/usr/bin/qemu-system-x86_64", []string{"-drive", "file=" + filepath.Join(cfg.TmpDir, "other.qcow2")}, "outside the machine's state dir"},
	} {
		if _, err := parseScriptQEMU(c.binary, c.args, cfg); err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s %v: %v, want an error saying %q", c.binary, c.args, err, c.why)
		}
	}
}

// TestBackingChain reads the images below a qcow2 overlay from headers
// written as qemu-img writes them: a relative name is the overlay's
// directory's, a raw image ends the chain.
func TestBackingChain(t *testing.T) {
	dir := t.TempDir()
	qcow2 := func(name, backing string) string {
		header := make([]byte, 512)
		copy(header, "QFI\xfb\x00\x00\x00\x03")
		if backing != "" {
			binary.BigEndian.PutUint64(header[8:], 104)
			binary.BigEndian.PutUint32(header[16:], uint32(len(backing)))
			copy(header[104:], backing)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, header, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	root := filepath.Join(dir, "root.img")
	os.WriteFile(root, []byte("raw ext4"), 0o644)
	base := qcow2("base.qcow2", root)
	overlay := qcow2("overlay.qcow2", "base.qcow2")
	chain, err := backingChain(overlay)
	if err != nil || !slices.Equal(chain, []string{base, root}) {
		t.Errorf("chain of the overlay: %v, %v; want %v", chain, err, []string{base, root})
	}
	if chain, err := backingChain(qcow2("empty.qcow2", "")); err != nil || len(chain) != 0 {
		t.Errorf("a qcow2 without a backing file: %v, %v", chain, err)
	}
	if chain, err := backingChain(root); err != nil || len(chain) != 0 {
		t.Errorf("a raw image: %v, %v", chain, err)
	}
	if _, err := backingChain(qcow2("nbd.qcow2", "nbd://localhost/disk")); err == nil || !strings.Contains(err.Error(), "is not a file") {
		t.Errorf("a network backing image: %v", err)
	}
	qcow2("loop.qcow2", "loop.qcow2")
	if _, err := backingChain(filepath.Join(dir, "loop.qcow2")); err == nil {
		t.Error("a qcow2 file that is its own backing file: no error")
	}
}

// TestSnapshotKeyOfImages: a snapshot depends on the images below a disk
// overlay, which QEMU's command line does not name, and not on the run's
// own files, which are new in every run.
func TestSnapshotKeyOfImages(t *testing.T) {
	cfg := Config{Name: "m", TmpDir: t.TempDir()}
	cfg.setDirs()
	os.MkdirAll(cfg.stateDir(), 0o755)
	overlay := filepath.Join(cfg.stateDir(), "m.qcow2")
	image := filepath.Join(t.TempDir(), "root.img")
	os.WriteFile(image, []byte("root"), 0o644)
	args := []string{"/bin/sh", "-drive", "file=" + overlay}
	key := func() string {
		t.Helper()
		k, err := snapshotKey(args, []string{image}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	first := key()
	os.WriteFile(overlay, []byte("written by this run"), 0o644)
	if key() != first {
		t.Error("the key changed with a file of the run")
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(image, later, later)
	if key() == first {
		t.Error("the key did not change with the image below the overlay")
	}
}

// TestEvictSnapshots keeps the most recently used snapshots and the notes
// written within notesKept, and removes the rest and snapshots left half
// taken for an hour.
func TestEvictSnapshots(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	at := func(name string, age time.Duration, isDir bool) {
		t.Helper()
		p := filepath.Join(dir, name)
		if isDir {
			os.Mkdir(p, 0o755)
		} else {
			os.WriteFile(p, nil, 0o644)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		at("snap"+strconv.Itoa(i), time.Duration(i)*time.Hour, true)
	}
	at("snap9.tmp-1", 2*time.Hour, true)
	at("snap8.tmp-2", time.Minute, true)
	at("script-new.json", time.Hour, false)
	at("script-old.json", notesKept+time.Hour, false)
	at("snap7.refused", notesKept+time.Hour, false)
	evictSnapshots(dir, 3)
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"script-new.json", "snap0", "snap1", "snap2", "snap8.tmp-2"}
	if !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
