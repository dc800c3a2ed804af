package runtime

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// liveDelay is how long a command runs before its output is shown as it
// arrives: quick commands stay quiet, long ones show their progress.
const liveDelay = 2 * time.Second

const (
	// liveBuffer bounds the output waiting to be shown. Past it the oldest
	// lines are dropped and counted, so a log that falls behind never
	// holds the command up.
	liveBuffer = 64 << 10
	// liveBatchLines bounds the lines shown at a time, older ones being
	// summarised; it is also how many lines from before the command
	// turned long are shown.
	liveBatchLines = 200
	// livePause is the least time between two batches: a flood of output
	// costs the log, and the CPU the guests share, a few lines a pause.
	livePause = 20 * time.Millisecond
	// liveLineBytes bounds what is shown of one line.
	liveLineBytes = 1024
)

// liveOutput receives a running command's output from the engine, whose
// read loop calls Write, and shows it in the log once the command has run
// for liveDelay. Write only copies into a bounded buffer; a goroutine of
// its own splits, escapes and logs the lines.
type liveOutput struct {
	log     *Log
	machine string
	timer   *time.Timer
	wake    chan struct{} // one pending signal: there is output to show
	stop    chan struct{} // closed by done
	exited  chan struct{} // closed when the showing goroutine ends

	mu        sync.Mutex
	pending   []byte // output not shown yet: whole lines, then a partial one
	skipped   int    // lines dropped since the last batch
	cutting   bool   // the start of the current line was dropped: drop its rest
	streaming bool
	finished  bool
}

func newLiveOutput(log *Log, machine string) *liveOutput {
	return newLiveOutputAfter(log, machine, liveDelay)
}

// newLiveOutputAfter shows the output once the command has run for delay;
// 0 shows it from the start.
func newLiveOutputAfter(log *Log, machine string, delay time.Duration) *liveOutput {
	l := &liveOutput{
		log: log, machine: machine,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), exited: make(chan struct{}),
	}
	if delay <= 0 {
		l.startStreaming()
	} else {
		l.timer = time.AfterFunc(delay, l.startStreaming)
	}
	return l
}

// Write never blocks on the log: it appends to the buffer, dropping the
// oldest whole lines when the buffer is full.
func (l *liveOutput) Write(p []byte) (int, error) {
	n := len(p)
	l.mu.Lock()
	if l.cutting {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.mu.Unlock()
			return n, nil
		}
		p, l.cutting = p[i+1:], false
	}
	l.pending = append(l.pending, p...)
	if len(l.pending) > liveBuffer {
		l.trim()
	}
	streaming := l.streaming
	l.mu.Unlock()
	if streaming {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	return n, nil
}

// trim drops the oldest lines until half the buffer is free; a line
// longer than that is dropped whole, its rest too as it arrives.
func (l *liveOutput) trim() {
	cut := len(l.pending) - liveBuffer/2
	i := bytes.IndexByte(l.pending[cut:], '\n')
	if i < 0 {
		l.skipped += bytes.Count(l.pending, []byte{'\n'}) + 1
		l.pending, l.cutting = l.pending[:0], true
		return
	}
	cut += i + 1
	l.skipped += bytes.Count(l.pending[:cut], []byte{'\n'})
	l.pending = append(l.pending[:0], l.pending[cut:]...)
}

func (l *liveOutput) startStreaming() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.finished {
		return
	}
	l.streaming = true
	l.wake <- struct{}{} // empty: Write signals only once streaming is set
	go l.show()
}

// show logs batches of lines until done; at most one batch a livePause.
func (l *liveOutput) show() {
	defer close(l.exited)
	var last time.Time
	for {
		select {
		case <-l.wake:
		case <-l.stop:
		}
		if wait := livePause - time.Since(last); wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-l.stop:
			}
			timer.Stop()
		}
		l.mu.Lock()
		final := l.finished
		batch, skipped := l.take(final)
		l.mu.Unlock()
		l.showBatch(batch, skipped)
		last = time.Now()
		if final {
			return
		}
	}
}

// take removes the whole lines from the buffer, and the partial last
// line too when the command is over.
func (l *liveOutput) take(final bool) ([]byte, int) {
	end := bytes.LastIndexByte(l.pending, '\n') + 1
	if final {
		end = len(l.pending)
	}
	batch := bytes.Clone(l.pending[:end])
	l.pending = append(l.pending[:0], l.pending[end:]...)
	skipped := l.skipped
	l.skipped = 0
	return batch, skipped
}

// showBatch logs the last liveBatchLines lines of batch, after a word on
// the lines not shown.
func (l *liveOutput) showBatch(batch []byte, skipped int) {
	if len(batch) == 0 {
		if skipped > 0 {
			l.log.write(l.machine, fmt.Sprintf("… %s lines not shown", thousands(skipped)), "output")
		}
		return
	}
	text := bytes.TrimSuffix(batch, []byte{'\n'})
	// Find where the last liveBatchLines lines start, from the end: a
	// flood costs no more than the lines shown.
	pos := len(text)
	for range liveBatchLines {
		if pos = bytes.LastIndexByte(text[:pos], '\n'); pos < 0 {
			break
		}
	}
	if pos >= 0 {
		skipped += bytes.Count(text[:pos], []byte{'\n'}) + 1
		text = text[pos+1:]
	}
	if skipped > 0 {
		l.log.write(l.machine, fmt.Sprintf("… %s lines not shown", thousands(skipped)), "output")
	}
	for {
		line, rest, more := bytes.Cut(text, []byte{'\n'})
		l.log.write(l.machine, displayLine(line, liveLineBytes), "output")
		if !more {
			return
		}
		text = rest
	}
}

// done ends the command: what is still buffered is shown, the partial
// last line included, before the command's step ends in the log.
func (l *liveOutput) done() {
	if l.timer != nil {
		l.timer.Stop()
	}
	l.mu.Lock()
	l.finished = true
	streaming := l.streaming
	l.mu.Unlock()
	if streaming {
		close(l.stop)
		<-l.exited
	}
}

// displayLine makes a line of guest output safe for a terminal: a line
// with a NUL byte or mostly binary is summarised; control characters,
// invalid UTF-8 and invisible format characters (such as bidi overrides)
// are escaped Go-style (\x1b, \xff, \u202e); past max bytes it is cut.
func displayLine(line []byte, max int) string {
	if bytes.IndexByte(line, 0) >= 0 || binaryBytes(line)*4 > len(line) {
		return fmt.Sprintf("[%s bytes of binary output not shown]", thousands(len(line)))
	}
	more := 0
	if len(line) > max {
		end := max
		for end > 0 && !utf8.RuneStart(line[end]) {
			end--
		}
		line, more = line[:end], len(line)-end
	}
	var b strings.Builder
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, line[i])
		case r == '\t' || unicode.IsGraphic(r):
			b.Write(line[i : i+size])
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	if more > 0 {
		fmt.Fprintf(&b, " … [%s more bytes not shown]", thousands(more))
	}
	return b.String()
}

// binaryBytes counts the bytes of control characters and invalid UTF-8.
func binaryBytes(line []byte) int {
	n := 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if (r == utf8.RuneError && size == 1) || (r != '\t' && unicode.IsControl(r)) {
			n += size
		}
		i += size
	}
	return n
}

// thousands writes n ≥ 0 with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
