package guest

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Vmlinux returns the uncompressed kernel inside the x86 bzImage at path,
// extracted with xz(1) once into the cache. QEMU boots such an ELF kernel
// through its PVH entry point without the decompressor, which takes
// seconds under TCG. An error says why the bzImage must be booted as it is:
// not an xz-compressed bzImage, no xz program, or a kernel built without
// CONFIG_PVH.
func Vmlinux(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("kernel %s: %w", path, err)
	}
	key := sha256.Sum256([]byte(fmt.Sprintf("%s %d %d", path, fi.Size(), fi.ModTime().UnixNano())))
	vmlinux, err := Cached("vmlinux", hex.EncodeToString(key[:12]), func(out string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		payload, size, err := xzPayload(data)
		if err != nil {
			return err
		}
		return extractXZ(payload, size, out)
	})
	if err != nil {
		return "", fmt.Errorf("kernel %s: %w", path, err)
	}
	if err := checkPVHNote(vmlinux); err != nil {
		return "", fmt.Errorf("kernel %s: %w", path, err)
	}
	return vmlinux, nil
}

// xzMagic opens an xz stream.
var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

// xzPayload finds the compressed kernel of a bzImage from its setup header
// (boot protocol 2.08 and later): setup_sects at 0x1f1, the payload's
// offset and length at 0x248 and 0x24c, counted from the protected-mode
// code after the setup sectors. The payload ends with the uncompressed
// size, 32 bits little-endian, which is returned apart.
func xzPayload(data []byte) (stream []byte, size uint32, err error) {
	if len(data) < 0x250 || string(data[0x202:0x206]) != "HdrS" {
		return nil, 0, errors.New("not an x86 bzImage")
	}
	if version := binary.LittleEndian.Uint16(data[0x206:]); version < 0x208 {
		return nil, 0, fmt.Errorf("boot protocol %d.%02d is older than 2.08 and does not locate its payload", version>>8, version&0xff)
	}
	setupSects := int(data[0x1f1])
	if setupSects == 0 {
		setupSects = 4
	}
	start := (setupSects+1)*512 + int(binary.LittleEndian.Uint32(data[0x248:]))
	length := int(binary.LittleEndian.Uint32(data[0x24c:]))
	if length < len(xzMagic)+4 || start+length > len(data) {
		return nil, 0, errors.New("the setup header's payload lies outside the file")
	}
	payload := data[start : start+length]
	if !bytes.HasPrefix(payload, xzMagic) {
		return nil, 0, errors.New("its payload is not xz-compressed")
	}
	return payload[:length-4], binary.LittleEndian.Uint32(payload[length-4:]), nil
}

// extractXZ decompresses stream with xz(1) into out, checking it yields
// size bytes.
func extractXZ(stream []byte, size uint32, out string) error {
	xz, err := exec.LookPath("xz")
	if err != nil {
		return errors.New("xz not found: install xz-utils (apt-get install xz-utils) for faster boots")
	}
	return WriteFileAtomic(out, func(f *os.File) error {
		cmd := exec.Command(xz, "--decompress", "--stdout")
		cmd.Stdin = bytes.NewReader(stream)
		cmd.Stdout = f
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("xz: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if fi.Size() != int64(size) {
			return fmt.Errorf("xz gave %d bytes, the bzImage says %d", fi.Size(), size)
		}
		return f.Chmod(0o644)
	})
}

// xenElfNotePhys32Entry is the ELF note (owner "Xen") giving the 32-bit
// PVH entry point, which QEMU needs to boot an ELF kernel.
const xenElfNotePhys32Entry = 18

// checkPVHNote makes sure the ELF kernel at path has a PVH entry point.
func checkPVHNote(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("its vmlinux: %w", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		notes, err := io.ReadAll(p.Open())
		if err != nil {
			return fmt.Errorf("its vmlinux: %w", err)
		}
		if hasNote(notes, "Xen", xenElfNotePhys32Entry) {
			return nil
		}
	}
	return errors.New("it has no PVH entry point (built without CONFIG_PVH)")
}

// hasNote reports whether an ELF note segment holds a note of owner and typ.
func hasNote(notes []byte, owner string, typ uint32) bool {
	align4 := func(n uint32) uint64 { return (uint64(n) + 3) &^ 3 }
	for len(notes) >= 12 {
		nameSize := binary.LittleEndian.Uint32(notes[0:])
		descSize := binary.LittleEndian.Uint32(notes[4:])
		noteType := binary.LittleEndian.Uint32(notes[8:])
		end := 12 + align4(nameSize) + align4(descSize)
		if end > uint64(len(notes)) {
			return false
		}
		name := string(bytes.TrimRight(notes[12:12+nameSize], "\x00"))
		if name == owner && noteType == typ {
			return true
		}
		notes = notes[end:]
	}
	return false
}
