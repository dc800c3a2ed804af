package qemu

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// frameState is where a frameReader is in a command's reply.
type frameState int

const (
	awaitStart frameState = iota // skipping bytes until the start line
	inOutput                     // passing output bytes until the end marker
	inStatus                     // reading the status digits after the marker
	frameDone
)

// frameReader splits the shell's byte stream into one command's output and
// exit status. It is fed arbitrary chunks; output is released as soon as it
// cannot be the beginning of the end marker.
type frameReader struct {
	start  []byte // "S<nonce>\n"
	end    []byte // "\nE<nonce> "
	state  frameState
	buf    []byte // unconsumed input
	digits []byte
	// length is the byte count the guest reported after the status, or -1
	// (only commands of a verified line report it).
	length int
}

func newNonce() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS random source is gone; nothing sane remains
	}
	return hex.EncodeToString(b[:])
}

func newFrameReader(nonce string) *frameReader {
	return &frameReader{start: []byte("S" + nonce + "\n"), end: []byte("\nE" + nonce + " "), length: -1}
}

// feed consumes p. It returns output bytes ready for the caller and, once
// the end marker and status have been read, done with the status. Bytes
// after the frame are returned as rest.
func (f *frameReader) feed(p []byte) (out []byte, done bool, status int, rest []byte, err error) {
	f.buf = append(f.buf, p...)
	for {
		switch f.state {
		case awaitStart:
			i := bytes.Index(f.buf, f.start)
			if i < 0 {
				// Keep a tail that may be a partial start line.
				if keep := len(f.start) - 1; len(f.buf) > keep {
					f.buf = append(f.buf[:0], f.buf[len(f.buf)-keep:]...)
				}
				return out, false, 0, nil, nil
			}
			f.buf = f.buf[i+len(f.start):]
			f.state = inOutput
		case inOutput:
			i := bytes.Index(f.buf, f.end)
			if i < 0 {
				n := len(f.buf) - partialSuffix(f.buf, f.end)
				out = append(out, f.buf[:n]...)
				f.buf = append(f.buf[:0], f.buf[n:]...)
				return out, false, 0, nil, nil
			}
			out = append(out, f.buf[:i]...)
			f.buf = f.buf[i+len(f.end):]
			f.state = inStatus
		case inStatus:
			i := bytes.IndexByte(f.buf, '\n')
			if i < 0 {
				if len(f.buf) > 24 { // a status, a space and a 20-digit length
					return out, false, 0, nil, fmt.Errorf("shell protocol: malformed exit status %q", f.buf)
				}
				return out, false, 0, nil, nil
			}
			fields := strings.Fields(string(f.buf[:i]))
			s, err := -1, error(nil)
			if len(fields) == 1 || len(fields) == 2 {
				s, err = strconv.Atoi(fields[0])
			}
			if len(fields) == 2 && err == nil {
				f.length, err = strconv.Atoi(fields[1])
			}
			if err != nil || s < 0 || s > 255 || (len(fields) == 2 && f.length < 0) {
				return out, false, 0, nil, fmt.Errorf("shell protocol: malformed exit status %q", f.buf[:i])
			}
			rest = f.buf[i+1:]
			f.buf = nil
			f.state = frameDone
			return out, true, s, rest, nil
		case frameDone:
			return out, true, 0, p, nil
		}
	}
}

// partialSuffix returns the length of the longest suffix of b that is a
// proper prefix of marker.
func partialSuffix(b, marker []byte) int {
	n := len(marker) - 1
	if n > len(b) {
		n = len(b)
	}
	for ; n > 0; n-- {
		if bytes.Equal(b[len(b)-n:], marker[:n]) {
			return n
		}
	}
	return 0
}

// commandLine builds the line the shell runs for command. With guestKill
// > 0 the command runs under timeout(1), which kills it after that many
// seconds: for guests whose shell the host cannot interrupt. A verified
// line keeps the output in a guest file and reports its length after the
// status, for output that travels on a terminal, which may drop bytes.
func commandLine(nonce, command string, guestKill int, verified bool) ([]byte, error) {
	if bytes.IndexByte([]byte(command), 0) >= 0 {
		return nil, fmt.Errorf("command contains a NUL byte, which a shell cannot run")
	}
	if guestKill > 0 {
		command = fmt.Sprintf("timeout -s KILL %d sh -c %s", guestKill, shellQuote(command))
	}
	var b bytes.Buffer
	if verified {
		f := "/tmp/.vmt-out.$$"
		fmt.Fprintf(&b, "printf '%%s\\n' S%s; ( eval %s ) </dev/null 9>&- >%s; vmt_status=$?; cat %s; printf '\\n%%s %%d %%d\\n' E%s $vmt_status \"$(wc -c <%s)\"; rm -f %s\n",
			nonce, shellQuote(command), f, f, nonce, f, f)
		return b.Bytes(), nil
	}
	fmt.Fprintf(&b, "printf '%%s\\n' S%s; ( eval %s ) </dev/null 9>&-; printf '\\n%%s %%d\\n' E%s $?\n", nonce, shellQuote(command), nonce)
	return b.Bytes(), nil
}

// shellQuote quotes s for a POSIX shell. The terminal's interrupt character
// (^C) is spelled with printf so that typing the command cannot interrupt it.
func shellQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			b.WriteString(`'\''`)
		case 0x03:
			b.WriteString(`'"$(printf '\003')"'`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
