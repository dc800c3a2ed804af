package runtime

import (
	"bytes"
	"testing"
)

// FuzzReadFrame: a frame written is read back as it was, and any bytes
// read as frames give frames or an error, never a panic or a huge
// allocation.
func FuzzReadFrame(f *testing.F) {
	f.Add(byte('i'), []byte("ls\r"), []byte{'o', 0, 0, 0, 2, 'h', 'i'})
	f.Add(byte('w'), []byte("24 80"), []byte{'x', 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, kind byte, payload, raw []byte) {
		var b bytes.Buffer
		if err := WriteFrame(&b, kind, payload); err != nil {
			t.Fatal(err)
		}
		gotKind, got, err := ReadFrame(&b)
		if err != nil || gotKind != kind || !bytes.Equal(got, payload) {
			t.Errorf("round trip of %c %q: %c %q, %v", kind, payload, gotKind, got, err)
		}
		r := bytes.NewReader(raw)
		for {
			if _, _, err := ReadFrame(r); err != nil {
				break
			}
		}
	})
}
