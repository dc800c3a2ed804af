//go:build integration

package initramfs

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readNewc parses a gzip-compressed newc archive into name -> (mode, data).
func readNewc(t *testing.T, data []byte) map[string][2]string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	for off := 0; ; {
		hdr := string(raw[off : off+110])
		if hdr[:6] != "070701" {
			t.Fatalf("bad magic at %d: %q", off, hdr[:6])
		}
		field := func(i int) int {
			v, err := strconv.ParseUint(hdr[6+8*i:14+8*i], 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			return int(v)
		}
		mode, size, namesize := field(1), field(6), field(11)
		name := string(raw[off+110 : off+110+namesize-1])
		off = (off + 110 + namesize + 3) &^ 3
		if name == "TRAILER!!!" {
			return out
		}
		out[name] = [2]string{strconv.FormatInt(int64(mode), 8), string(raw[off : off+size])}
		off = (off + size + 3) &^ 3
	}
}

func TestArchive(t *testing.T) {
	a := NewArchive()
	a.AddFile("/etc/init.d/rc", 0o755, []byte("#!/bin/sh\n"))
	a.AddSymlink("bin/sh", "busybox")
	a.AddDir("tmp", 0o1777)
	var buf bytes.Buffer
	if _, err := a.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got := readNewc(t, buf.Bytes())
	want := map[string][2]string{
		"etc":           {"40755", ""},
		"etc/init.d":    {"40755", ""},
		"etc/init.d/rc": {"100755", "#!/bin/sh\n"},
		"bin":           {"40755", ""},
		"bin/sh":        {"120777", "busybox"},
		"tmp":           {"41777", ""},
	}
	if len(got) != len(want) {
		t.Errorf("got %d entries %v, want %d", len(got), got, len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: got %v, want %v", name, got[name], w)
		}
	}
	// cpio(1) reads it too (scripts/install-deps installs it).
	dir := t.TempDir()
	zr, _ := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	cmd := exec.Command("cpio", "-idm", "--quiet")
	cmd.Dir, cmd.Stdin = dir, zr
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio: %v: %s", err, out)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "etc/init.d/rc")); string(data) != "#!/bin/sh\n" {
		t.Errorf("cpio extracted %q", data)
	}
	var again bytes.Buffer
	a.WriteTo(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("writing the same archive twice gave different bytes")
	}
}

func TestReadModuleCompressed(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "m.ko")
	want := []byte("\x7fELF pretend module")
	os.WriteFile(plain, want, 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(want)
	zw.Close()
	os.WriteFile(plain+".gz", gz.Bytes(), 0o644)
	paths := []string{plain, plain + ".gz"}
	for tool, ext := range map[string]string{"xz": ".xz", "zstd": ".zst"} {
		out, err := exec.Command(tool, "-c", plain).Output()
		if err != nil {
			t.Fatalf("compressing with %s (scripts/install-deps installs it): %v", tool, err)
		}
		os.WriteFile(plain+ext, out, 0o644)
		paths = append(paths, plain+ext)
	}
	for _, p := range paths {
		got, err := ReadModule(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, %v", filepath.Base(p), got, err)
		}
	}
	if _, err := ReadModule(filepath.Join(dir, "m.ko.lz4")); err == nil || !strings.Contains(err.Error(), "unknown file type") {
		t.Errorf("unknown compression: %v", err)
	}
}
