package suite

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// redrawEvery is how often a terminal's live lines are redrawn.
const redrawEvery = 500 * time.Millisecond

// Status shows the suite's progress. On a terminal, one line per running
// test (its name, how long it has run and its last log line) is redrawn in
// place under the lines of the tests that ended; elsewhere (CI logs), one
// line when a test starts and one when it ends. It is an Observer.
type Status struct {
	w     io.Writer
	live  bool
	width int

	mu      sync.Mutex
	running []*runningTest // in the order they started
	drawn   int            // live lines on the screen
	done    chan struct{}
	wg      sync.WaitGroup
}

type runningTest struct {
	name  string
	began time.Time
	last  string
}

// NewStatus writes to w; terminal says w is one, width columns wide.
func NewStatus(w io.Writer, terminal bool, width int) *Status {
	s := &Status{w: w, live: terminal, width: max(width, 20), done: make(chan struct{})}
	if s.live {
		s.wg.Go(func() {
			tick := time.NewTicker(redrawEvery)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					s.mu.Lock()
					s.redraw()
					s.mu.Unlock()
				case <-s.done:
					return
				}
			}
		})
	}
	return s
}

// Close stops redrawing and clears the live lines.
func (s *Status) Close() {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
}

// Note prints a line of its own, above the live lines.
func (s *Status) Note(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.print(fmt.Sprintf(format, args...))
}

func (s *Status) Started(t Test) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = append(s.running, &runningTest{name: t.Name, began: time.Now()})
	if s.live {
		s.redraw()
	} else {
		s.print(fmt.Sprintf("%-8s %s", "started", t.Name))
	}
}

func (s *Status) Progress(t Test, line string) {
	if !s.live {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.running {
		if r.name == t.Name {
			r.last = line
		}
	}
}

func (s *Status) Waiting(t Test, needMB, freeMB int) {
	s.Note("%-8s %s: needs %d MiB of memory, %d MiB are free; it starts when a test ends", "waiting", t.Name, needMB, max(freeMB, 0))
}

func (s *Status) TooBig(t Test, needMB, budgetMB int) {
	s.Note("warning: %s needs %d MiB of memory, more than the %d MiB there are to share: it runs alone", t.Name, needMB, budgetMB)
}

func (s *Status) Finished(r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, t := range s.running {
		if t.name == r.Test.Name {
			s.running = append(s.running[:i], s.running[i+1:]...)
			break
		}
	}
	line := fmt.Sprintf("%-8s %s in %s", r.Outcome, r.Test.Name, formatTook(r.Took))
	if r.Detail != "" {
		line += ": " + r.Detail
	}
	s.print(line)
}

// print writes a line above the live lines; s.mu is held.
func (s *Status) print(line string) {
	s.clear()
	fmt.Fprintln(s.w, line)
	s.redraw()
}

// clear removes the live lines; s.mu is held.
func (s *Status) clear() {
	if s.drawn > 0 {
		// To the start of the first live line, and erase to the end.
		fmt.Fprintf(s.w, "\x1b[%dF\x1b[J", s.drawn)
		s.drawn = 0
	}
}

// redraw draws the live lines anew; s.mu is held.
func (s *Status) redraw() {
	if !s.live {
		return
	}
	s.clear()
	var b strings.Builder
	for _, r := range s.running {
		line := fmt.Sprintf("%-8s %s %s", "running", r.name, time.Since(r.began).Truncate(time.Second))
		if r.last != "" {
			line += "  " + printable(strings.TrimSpace(r.last))
		}
		// A line that wraps would break the count of lines to redraw.
		b.WriteString(truncate(line, s.width-1))
		b.WriteByte('\n')
	}
	io.WriteString(s.w, b.String())
	s.drawn = len(s.running)
}

// printable drops the control characters (a guest's escape sequences) of
// a log line.
func printable(line string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, line)
}

func truncate(line string, width int) string {
	runes := []rune(line)
	if len(runes) <= width {
		return line
	}
	return string(runes[:width-1]) + "…"
}

// formatTook shows a duration in seconds, with tenths under a minute.
func formatTook(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Truncate(time.Second).String()
}
