package runtime

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ANSI styles of the terminal log.
const (
	styleReset = "\x1b[0m"
	styleDim   = "\x1b[2m"
	styleBold  = "\x1b[1m"
	styleRed   = "\x1b[31m"
)

// machineColors tell machines apart in the terminal log.
var machineColors = []string{"\x1b[36m", "\x1b[35m", "\x1b[33m", "\x1b[34m", "\x1b[32m"}

// terminalLog writes the log for people: steps indented by depth, a step
// that prints nothing inside on one line with its duration appended, a
// step that does with a closing line giving its duration.
type terminalLog struct {
	w     io.Writer
	color bool
	depth int
	// pending is true while the head of the innermost step is written
	// without its newline, waiting for either its duration or a child.
	pending bool
	colors  map[string]string
}

func newTerminalLog(w io.Writer, color bool) *terminalLog {
	return &terminalLog{w: w, color: color, colors: map[string]string{}}
}

func (t *terminalLog) style(s, text string) string {
	if !t.color || text == "" {
		return text
	}
	return s + text + styleReset
}

func (t *terminalLog) machine(name string) string {
	if name == "" || !t.color {
		return name
	}
	c, ok := t.colors[name]
	if !ok {
		c = machineColors[len(t.colors)%len(machineColors)]
		t.colors[name] = c
	}
	return c + name + styleReset
}

// breakPending ends a head line left open for its duration.
func (t *terminalLog) breakPending() {
	if t.pending {
		io.WriteString(t.w, "\n")
		t.pending = false
	}
}

func (t *terminalLog) indent() string { return strings.Repeat("  ", t.depth) }

func (t *terminalLog) begin(machine, msg string) {
	t.breakPending()
	head := msg
	if strings.HasPrefix(msg, "subtest: ") {
		head = t.style(styleBold, msg)
	}
	if machine != "" {
		head = t.machine(machine) + ": " + head
	}
	fmt.Fprintf(t.w, "%s%s", t.indent(), firstLine(head))
	t.pending = true
	t.depth++
}

func (t *terminalLog) end(machine, msg string, took time.Duration, err error) {
	t.depth--
	verdict := t.style(styleDim, formatDuration(took))
	if err != nil {
		verdict = t.style(styleRed, "failed after "+formatDuration(took))
	}
	if t.pending {
		fmt.Fprintf(t.w, " (%s)\n", verdict)
		t.pending = false
		return
	}
	fmt.Fprintf(t.w, "%s(%s: %s)\n", t.indent(), verdict, firstLine(prefixed(machine, msg)))
}

func (t *terminalLog) line(machine, msg, kind string) {
	t.breakPending()
	for _, l := range strings.Split(strings.TrimRight(msg, "\n"), "\n") {
		switch kind {
		case "serial":
			fmt.Fprintf(t.w, "%s%s\n", t.indent(), t.style(styleDim, machine+" # "+l))
		case "error":
			fmt.Fprintf(t.w, "%s\n", t.style(styleRed, l))
		case "output":
			fmt.Fprintf(t.w, "%s%s\n", t.indent(), t.style(styleDim, machine+" > "+l))
		default:
			if machine != "" {
				l = t.machine(machine) + ": " + l
			}
			fmt.Fprintf(t.w, "%s%s\n", t.indent(), l)
		}
	}
}

func (t *terminalLog) close() error {
	t.breakPending()
	return nil
}

// formatDuration is a duration in seconds with two decimals, "1.23 s".
func formatDuration(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// firstLine shortens a multi-line message to its first line.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// UseColor decides whether the terminal log is coloured: only on a
// terminal, and never when NO_COLOR holds anything (no-color.org).
func UseColor(isTerminal bool, noColor string) bool {
	return isTerminal && noColor == ""
}
