package qemu

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// lineSplitter turns raw serial bytes into clean lines: ANSI escape
// sequences and carriage returns removed, split at newlines.
type lineSplitter struct {
	line []byte
	esc  escState
}

type escState int

const (
	escNone   escState = iota
	escStart           // after ESC
	escCSI             // ESC [ ... final byte
	escOSC             // ESC ] ... BEL or ESC \
	escOSCEsc          // ESC inside OSC, expecting '\'
)

// feed consumes p and calls emit for each completed line.
func (l *lineSplitter) feed(p []byte, emit func(string)) {
	for _, c := range p {
		switch l.esc {
		case escStart:
			switch c {
			case '[':
				l.esc = escCSI
			case ']':
				l.esc = escOSC
			default:
				l.esc = escNone // two-byte sequence such as ESC c
			}
			continue
		case escCSI:
			if c >= 0x40 && c <= 0x7e {
				l.esc = escNone
			}
			continue
		case escOSC:
			switch c {
			case 0x07:
				l.esc = escNone
			case 0x1b:
				l.esc = escOSCEsc
			}
			continue
		case escOSCEsc:
			l.esc = escNone
			continue
		}
		switch c {
		case 0x1b:
			l.esc = escStart
		case '\r':
		case '\n':
			emit(string(l.line))
			l.line = l.line[:0]
		default:
			l.line = append(l.line, c)
		}
	}
}

// partial returns the current unterminated line.
func (l *lineSplitter) partial() string { return string(l.line) }

// console keeps every serial line of a machine and lets callers wait for
// text to appear.
type console struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every new byte
	split   lineSplitter
	lines   []string
	// A wait searches from where the previous match ended: line and byte
	// offset in that line (the unterminated line when line == len(lines)).
	fromLine, fromByte int
}

func newConsole() *console {
	return &console{changed: make(chan struct{})}
}

// write records serial output, calling onLine for each completed line.
func (c *console) write(p []byte, onLine func(string)) {
	c.mu.Lock()
	var done []string
	c.split.feed(p, func(line string) {
		c.lines = append(c.lines, line)
		done = append(done, line)
	})
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	for _, line := range done {
		onLine(line)
	}
}

// log returns the whole console output so far.
func (c *console) log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(append(append([]string(nil), c.lines...), c.split.partial()), "\n")
}

// tail returns up to n last lines.
func (c *console) tail(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.lines) < n {
		n = len(c.lines)
	}
	return append([]string(nil), c.lines[len(c.lines)-n:]...)
}

// unmatchedLocked returns the console text after the previous match (the
// unterminated last line included, so prompts match).
func (c *console) unmatchedLocked() string {
	rest := append(append([]string(nil), c.lines[c.fromLine:]...), c.split.partial())
	if c.fromByte <= len(rest[0]) {
		rest[0] = rest[0][c.fromByte:]
	}
	return strings.Join(rest, "\n")
}

// waitFor waits until re matches console text after the previous match and
// returns the matched text; the next wait starts after it.
func (c *console) waitFor(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error) {
	expired, stop := expiry(timeout)
	defer stop()
	for {
		c.mu.Lock()
		text := c.unmatchedLocked()
		if loc := re.FindStringIndex(text); loc != nil {
			before := text[:loc[1]]
			if nl := strings.Count(before, "\n"); nl > 0 {
				c.fromLine += nl
				c.fromByte = len(before) - strings.LastIndexByte(before, '\n') - 1
			} else {
				c.fromByte += len(before)
			}
			c.mu.Unlock()
			return text[loc[0]:loc[1]], nil
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-expired:
			return "", fmt.Errorf("console text matching %q: %w after %s", re, ErrTimeout, timeout)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// expiry returns a channel that fires after timeout (never for 0) and a
// function releasing its timer.
func expiry(timeout time.Duration) (<-chan time.Time, func()) {
	if timeout <= 0 {
		return nil, func() {}
	}
	t := time.NewTimer(timeout)
	return t.C, func() { t.Stop() }
}
