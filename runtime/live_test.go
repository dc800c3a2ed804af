package runtime

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDisplayLine(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"plain text", "plain text"},
		{"", ""},
		{"tab\tkept", "tab\tkept"},
		{"café ✓", "café ✓"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"progress\r", `progress\x0d`},
		{"bad \xff byte", `bad \xff byte`},
		{"\u202eevil", `\u202eevil`},
		{"a\x00b", "[3 bytes of binary output not shown]"},
		{"\x01\x02\x03\x04ab", "[6 bytes of binary output not shown]"},
		{strings.Repeat("\xfe", 5000), "[5,000 bytes of binary output not shown]"},
		{strings.Repeat("x", 1030), strings.Repeat("x", 1024) + " … [6 more bytes not shown]"},
		// A cut never splits a character: é is two bytes.
		{"x" + strings.Repeat("é", 600), "x" + strings.Repeat("é", 511) + " … [178 more bytes not shown]"},
	} {
		if got := displayLine([]byte(tc.line), liveLineBytes); got != tc.want {
			t.Errorf("displayLine(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// gatedSink is a log sink that holds every line until its gate opens,
// like a terminal nobody reads.
type gatedSink struct {
	gate    chan struct{}
	mu      sync.Mutex
	lines   []string
	blocked chan struct{} // closed when the first line waits at the gate
	once    sync.Once
}

func (s *gatedSink) begin(string, string)                     {}
func (s *gatedSink) end(string, string, time.Duration, error) {}
func (s *gatedSink) close() error                             { return nil }
func (s *gatedSink) line(machine, msg, kind string) {
	s.once.Do(func() { close(s.blocked) })
	<-s.gate
	s.mu.Lock()
	s.lines = append(s.lines, msg)
	s.mu.Unlock()
}

// chanSink hands every line it gets to a channel.
type chanSink struct{ lines chan string }

func (s *chanSink) begin(string, string)                     {}
func (s *chanSink) end(string, string, time.Duration, error) {}
func (s *chanSink) close() error                             { return nil }
func (s *chanSink) line(machine, msg, kind string)           { s.lines <- msg }

var notShown = regexp.MustCompile(`^… ([0-9,]+) lines not shown$`)

func TestLiveOutputNeverWaitsForTheLog(t *testing.T) {
	sink := &gatedSink{gate: make(chan struct{}), blocked: make(chan struct{})}
	live := newLiveOutputAfter(newLog(sink), "alpha", 0)
	io.WriteString(live, "0\n")
	<-sink.blocked // the log is stuck on the first line
	const total = 200_000
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		var b bytes.Buffer
		for i := 1; i < total; i++ {
			fmt.Fprintf(&b, "%d\n", i)
			if b.Len() > 4000 {
				live.Write(b.Bytes())
				b.Reset()
			}
		}
		b.WriteString("partial")
		live.Write(b.Bytes())
	}()
	select {
	case <-wrote:
	case <-time.After(30 * time.Second):
		t.Fatal("Write waited for a log that cannot take lines")
	}
	close(sink.gate)
	live.done()

	// Every line is either shown or counted, in order, and the last ones
	// are shown.
	shown, skipped, last := 0, 0, -1
	for _, line := range sink.lines {
		if m := notShown.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
			skipped += n
			continue
		}
		if line == "partial" {
			shown++
			continue
		}
		n, err := strconv.Atoi(line)
		if err != nil || n <= last {
			t.Fatalf("line %q shown out of order after %d", line, last)
		}
		last = n
		shown++
	}
	if shown+skipped != total+1 {
		t.Errorf("%d lines shown and %d counted as not shown, want %d in all", shown, skipped, total+1)
	}
	if skipped == 0 || shown > 3*liveBatchLines {
		t.Errorf("%d lines shown, %d summarised: a stuck log should see a summary, not the flood", shown, skipped)
	}
	if got := sink.lines[len(sink.lines)-2:]; got[0] != strconv.Itoa(total-1) || got[1] != "partial" {
		t.Errorf("the output ends with %q, want the last line and the partial one", got)
	}
}

func TestLiveOutputEscapesBinary(t *testing.T) {
	var term strings.Builder
	seen := &chanSink{lines: make(chan string, 100)}
	live := newLiveOutputAfter(newLog(newTerminalLog(&term, false), seen), "alpha", 0)
	io.WriteString(live, "ok\n\x1b]0;owned\x07title\n\x7fELF\x02\x01\x01\x00\x00\x00\n")
	for range 3 {
		<-seen.lines // shown before the long line floods the buffer
	}
	long := strings.Repeat("y", 3*liveBuffer) // one line longer than the buffer
	io.WriteString(live, long[:liveBuffer])
	io.WriteString(live, long[liveBuffer:]+"\nafter\n")
	live.done()
	got := term.String()
	for _, want := range []string{
		"alpha > ok\n",
		`alpha > \x1b]0;owned\x07title` + "\n",
		"alpha > [10 bytes of binary output not shown]\n",
		"alpha > … 1 lines not shown\n",
		"alpha > after\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the log lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, "\x00\x07\x1b\x7f") {
		t.Errorf("raw control bytes reached the terminal log: %q", got)
	}
}

func TestCopyTreeRefusesLinksFromGuests(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(src, "tree", "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "tree", "sub", "f"), []byte("data"), 0o644)
	os.Symlink("/etc/passwd", filepath.Join(src, "tree", "sub", "planted"))
	from, _ := os.OpenRoot(src)
	defer from.Close()
	to, _ := os.OpenRoot(dst)
	defer to.Close()
	err := copyTree(from, "tree", to, "tree", false)
	if err == nil || !strings.Contains(err.Error(), "tree/sub/planted is a symbolic link, and links from a guest are not copied to the host") {
		t.Errorf("copying a planted link: got %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dst, "tree", "sub", "planted")); err == nil {
		t.Errorf("the link landed on the host")
	}
	// From the host, links are copied as links.
	if err := copyTree(from, "tree", to, "copy", true); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(dst, "copy", "sub", "planted")); err != nil || target != "/etc/passwd" {
		t.Errorf("a host link arrived as %q, %v", target, err)
	}
}

// slowWriter is a terminal that takes its time for every write.
type slowWriter struct{}

func (slowWriter) Write(p []byte) (int, error) {
	time.Sleep(20 * time.Microsecond)
	return len(p), nil
}

// BenchmarkLiveOutputWrite measures what showing a long command's output
// costs the engine's read loop, per MB of `seq`-like output (ns/op is
// per MB) once the output streams. "per-line-log" is the cost of logging
// each line on the read loop, for comparison.
func BenchmarkLiveOutputWrite(b *testing.B) {
	var data bytes.Buffer
	for i := 0; data.Len() < 1<<20; i++ {
		fmt.Fprintf(&data, "%d\n", i)
	}
	out := data.Bytes()[:1<<20]
	const chunk = 4096 // what the engine reads at a time
	for _, bc := range []struct {
		name string
		w    io.Writer
	}{{"fast-terminal", io.Discard}, {"slow-terminal", slowWriter{}}} {
		b.Run(bc.name, func(b *testing.B) {
			live := newLiveOutputAfter(newLog(newTerminalLog(bc.w, false)), "alpha", 0)
			b.SetBytes(int64(len(out)))
			for b.Loop() {
				for off := 0; off < len(out); off += chunk {
					live.Write(out[off:min(off+chunk, len(out))])
				}
			}
			b.StopTimer()
			live.done()
		})
	}
	b.Run("per-line-log", func(b *testing.B) {
		log := newLog(newTerminalLog(io.Discard, false))
		b.SetBytes(int64(len(out)))
		for b.Loop() {
			for line := range bytes.Lines(out) {
				log.write("alpha", string(line[:len(line)-1]), "output")
			}
		}
	})
}

func TestLastLineKeepsTheReason(t *testing.T) {
	long := "cp: can't stat '" + strings.Repeat("sub/up/", 100) + "': Too many levels of symbolic links\n"
	got := lastLine([]byte("first\n" + long))
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "': Too many levels of symbolic links") || len(got) > errorLineBytes+len("…") {
		t.Errorf("lastLine = %q, want the end of the last line", got)
	}
	if got := lastLine([]byte("\x1b[1mbold\n")); got != `\x1b[1mbold` {
		t.Errorf("lastLine = %q, want it escaped", got)
	}
	if got := lastLine(nil); got != "no message" {
		t.Errorf("lastLine(nil) = %q", got)
	}
}
