package qemu

import (
	"bytes"
	"fmt"
	"testing"
)

// scan feeds a session's output to an exit scanner in chunks of size
// chunk and returns what it released.
func scan(e *exitScanner, stream []byte, chunk int) []byte {
	var out []byte
	for len(stream) > 0 && !e.done {
		n := min(chunk, len(stream))
		e.feed(stream[:n])
		stream = stream[n:]
		out = append(out, e.take(len(e.ready))...)
	}
	return append(out, e.take(len(e.ready))...)
}

func TestExitScanner(t *testing.T) {
	for _, c := range []struct {
		stream string
		out    string
		status int
		done   bool
	}{
		{"hello\r\n\x1b]vmt-exit;N;7\x07", "hello\r\n", 7, true},
		{"\x1b]vmt-exit;N;0\x07after", "", 0, true},
		// Look-alikes stay output: another nonce, no status, no BEL.
		{"\x1b]vmt-exit;M;1\x07\x1b]vmt-exit;N;x\x07", "\x1b]vmt-exit;M;1\x07\x1b]vmt-exit;N;x\x07", -1, false},
		{"a\x1b]vmt-exit;N;12", "a", -1, false},
	} {
		for chunk := 1; chunk <= len(c.stream); chunk++ {
			e := newExitScanner("N")
			e.status = -1
			out := scan(e, []byte(c.stream), chunk)
			if string(out) != c.out || e.done != c.done || e.status != c.status {
				t.Errorf("%q in chunks of %d: %q, done %v, status %d; want %q, %v, %d", c.stream, chunk, out, e.done, e.status, c.out, c.done, c.status)
			}
		}
	}
}

// FuzzExitScanner: any output followed by the marker comes out whole,
// however it is split, with the status.
func FuzzExitScanner(f *testing.F) {
	f.Add([]byte("plain"), uint8(0), uint8(3))
	f.Add([]byte("\x1b]vmt-exit;"), uint8(130), uint8(1))
	f.Add([]byte("\x1b]vmt-exit;nonce;"), uint8(1), uint8(5))
	f.Fuzz(func(t *testing.T, output []byte, status, chunk uint8) {
		const nonce = "0123abcd"
		if bytes.Contains(output, []byte(nonce)) {
			t.Skip()
		}
		e := newExitScanner(nonce)
		stream := append(append([]byte(nil), output...), fmt.Sprintf("\x1b]vmt-exit;%s;%d\x07", nonce, status)...)
		out := scan(e, stream, int(chunk)+1)
		if !bytes.Equal(out, output) || !e.done || e.status != int(status) {
			t.Errorf("%q: %q, done %v, status %d", stream, out, e.done, e.status)
		}
	})
}
