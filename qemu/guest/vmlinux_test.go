package guest

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// fakeBzImage returns a bzImage-shaped file: a setup header of boot
// protocol 2.15 with one setup sector and the payload at offset 16.
func fakeBzImage(payload []byte, size uint32) []byte {
	data := make([]byte, 2*512+16)
	data[0x1f1] = 1
	copy(data[0x202:], "HdrS")
	binary.LittleEndian.PutUint16(data[0x206:], 0x20f)
	binary.LittleEndian.PutUint32(data[0x248:], 16)
	binary.LittleEndian.PutUint32(data[0x24c:], uint32(len(payload)+4))
	data = append(data, payload...)
	return binary.LittleEndian.AppendUint32(data, size)
}

func TestXZPayload(t *testing.T) {
	stream := append(append([]byte(nil), xzMagic...), "rest of the stream"...)
	got, size, err := xzPayload(fakeBzImage(stream, 1234))
	if err != nil || !bytes.Equal(got, stream) || size != 1234 {
		t.Errorf("xzPayload = %q, %d, %v; want the stream and 1234", got, size, err)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a bzImage", []byte(strings.Repeat("\x7fELF", 200)), "not an x86 bzImage"},
		{"gzip payload", fakeBzImage([]byte("\x1f\x8b\x08\x00 gzip data"), 10), "not xz-compressed"},
		{"truncated", fakeBzImage(stream, 10)[:2*512+20], "outside the file"},
	} {
		if _, _, err := xzPayload(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

func TestHasNote(t *testing.T) {
	note := func(owner string, typ uint32, desc []byte) []byte {
		name := append([]byte(owner), 0)
		var b []byte
		b = binary.LittleEndian.AppendUint32(b, uint32(len(name)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(desc)))
		b = binary.LittleEndian.AppendUint32(b, typ)
		b = append(b, name...)
		b = append(b, make([]byte, (4-len(name)%4)%4)...)
		b = append(b, desc...)
		return append(b, make([]byte, (4-len(desc)%4)%4)...)
	}
	notes := append(note("GNU", 3, []byte("build id 20 bytes...")), note("Xen", xenElfNotePhys32Entry, []byte{1, 2, 3, 4, 5, 6, 7, 8})...)
	if !hasNote(notes, "Xen", xenElfNotePhys32Entry) {
		t.Error("the PVH note was not found")
	}
	if hasNote(notes[:len(notes)-4], "Xen", xenElfNotePhys32Entry) {
		t.Error("a truncated note was found")
	}
	if hasNote(note("Xen", 5, []byte("xen-3.0")), "Xen", xenElfNotePhys32Entry) {
		t.Error("another Xen note was taken for the PVH one")
	}
}
