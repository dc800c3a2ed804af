package initramfs

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// ReadModule returns the ELF bytes of a module file: plain (.ko), or
// compressed as distributions ship them (.ko.gz read in Go; .ko.xz and
// .ko.zst through the xz and zstd programs), since busybox's insmod in the
// guest loads plain files only.
func ReadModule(path string) ([]byte, error) {
	switch {
	case strings.HasSuffix(path, ".ko"):
		return os.ReadFile(path)
	case strings.HasSuffix(path, ".ko.gz"):
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", path, err)
		}
		return io.ReadAll(zr)
	case strings.HasSuffix(path, ".ko.xz"):
		return decompress("xz", "xz-utils", path)
	case strings.HasSuffix(path, ".ko.zst"):
		return decompress("zstd", "zstd", path)
	}
	return nil, fmt.Errorf("module %s: unknown file type (want .ko, .ko.gz, .ko.xz or .ko.zst)", path)
}

func decompress(tool, pkg, path string) ([]byte, error) {
	if _, err := exec.LookPath(tool); err != nil {
		return nil, fmt.Errorf("module %s is %s-compressed and %s is not installed: install %s", path, tool, tool, pkg)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tool, "-dc", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("decompressing module %s: %v: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
