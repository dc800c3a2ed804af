package qemu

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// reply builds what the guest sends for one command.
func reply(nonce, noise, output string, status int) string {
	return noise + "S" + nonce + "\n" + output + "\nE" + nonce + " " + strconv.Itoa(status) + "\n"
}

// feedAll feeds stream to a frameReader in chunks of size n.
func feedAll(t *testing.T, nonce, stream string, n int) (string, int, string, bool) {
	t.Helper()
	fr := newFrameReader(nonce)
	var out []byte
	data := []byte(stream)
	for len(data) > 0 {
		k := n
		if k > len(data) {
			k = len(data)
		}
		o, done, status, rest, err := fr.feed(data[:k])
		if err != nil {
			t.Fatalf("feed: %v", err)
		}
		out = append(out, o...)
		if done {
			return string(out), status, string(rest) + string(data[k:]), true
		}
		data = data[k:]
	}
	return string(out), 0, "", false
}

func TestFrameReader(t *testing.T) {
	const nonce = "0123abcd"
	cases := []struct {
		noise, output string
		status        int
	}{
		{"", "hello\n", 0},
		{"stray output\n", "", 1},
		{"", "no newline", 255},
		{"", "\n\n", 2},
		{"", "\nE0123abc not the marker\n", 0},
		{"S0123abc", "S0123abcd inside output\n", 0},
		{"", "a\x00b\xff\r\n", 127},
	}
	for _, c := range cases {
		stream := reply(nonce, c.noise, c.output, c.status) + "next"
		for _, chunk := range []int{1, 2, 3, 7, 1 << 20} {
			out, status, rest, done := feedAll(t, nonce, stream, chunk)
			if !done || out != c.output || status != c.status || rest != "next" {
				t.Errorf("chunk %d, output %q: got (%q, %d, rest %q, done %v)", chunk, c.output, out, status, rest, done)
			}
		}
	}
}

func TestFrameReaderMalformedStatus(t *testing.T) {
	fr := newFrameReader("n")
	_, _, _, _, err := fr.feed([]byte("Sn\nout\nEn x1\n"))
	if err == nil {
		t.Fatal("a non-numeric status was accepted")
	}
	fr = newFrameReader("n")
	_, _, _, _, err = fr.feed([]byte("Sn\nout\nEn " + strings.Repeat("9", 40)))
	if err == nil {
		t.Fatal("an endless status was accepted")
	}
	fr = newFrameReader("n")
	_, _, _, _, err = fr.feed([]byte("Sn\nout\nEn 0 -3\n"))
	if err == nil {
		t.Fatal("a negative length was accepted")
	}
}

// TestFrameReaderLength reads the byte count a verified line reports.
func TestFrameReaderLength(t *testing.T) {
	fr := newFrameReader("n")
	out, done, status, _, err := fr.feed([]byte("Sn\nabc\nEn 3 12\n"))
	if err != nil || !done || status != 3 || string(out) != "abc" || fr.length != 12 {
		t.Fatalf("got (%q, %v, %d, %v), length %d", out, done, status, err, fr.length)
	}
	fr = newFrameReader("n")
	if _, _, _, _, err := fr.feed([]byte("Sn\nabc\nEn 3\n")); err != nil || fr.length != -1 {
		t.Fatalf("a plain status: %v, length %d", err, fr.length)
	}
}

func TestCommandLineQuoting(t *testing.T) {
	line, err := commandLine("N", "echo 'a' \x03", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `printf '%s\n' SN; ( eval 'echo '\''a'\'' '"$(printf '\003')"'' ) </dev/null 9>&-; printf '\n%s %d\n' EN $?` + "\n"
	if string(line) != want {
		t.Errorf("got  %s\nwant %s", line, want)
	}
	if bytes.IndexByte(line, 0x03) >= 0 {
		t.Error("the interrupt character reached the terminal")
	}
	if _, err := commandLine("N", "a\x00b", 0, false); err == nil {
		t.Error("a NUL byte was accepted")
	}
}

// FuzzFrameReader checks that any output survives framing whatever the
// chunking, and that arbitrary streams never panic the reader.
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte("hello\n"), []byte("noise"), uint8(0), uint8(3))
	f.Add([]byte("\nE"), []byte("S"), uint8(1), uint8(1))
	f.Add([]byte{0, 0xff, '\n', 'E'}, []byte{}, uint8(255), uint8(5))
	f.Fuzz(func(t *testing.T, output, noise []byte, status, chunk uint8) {
		const nonce = "f00dfeed"
		if bytes.Contains(output, []byte(nonce)) || bytes.Contains(noise, []byte(nonce)) {
			return // a nonce is random: output never contains it in practice
		}
		n := int(chunk%16) + 1
		out, got, _, done := feedAll(t, nonce, reply(nonce, string(noise), string(output), int(status)), n)
		if !done || out != string(output) || got != int(status) {
			t.Fatalf("output %q status %d: got %q %d done=%v", output, status, out, got, done)
		}
		// Arbitrary bytes: no panic, whatever comes back.
		fr := newFrameReader(nonce)
		fr.feed(append(noise, output...))
	})
}

func TestCommandLineWithGuestTimeout(t *testing.T) {
	line, err := commandLine("N", "sleep 9", 7, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `( eval 'timeout -s KILL 7 sh -c '\''sleep 9'\''' )`
	if !bytes.Contains(line, []byte(want)) {
		t.Errorf("got %s, want it to contain %s", line, want)
	}
}
