package runtime

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/starlark"
)

// outputTailLines is how much of a failed command's output a report shows.
const outputTailLines = 20

// describeFailure returns a one-line summary of a failure and the full
// report: the message, the Starlark backtrace with source lines, and for
// a guest command the command, its exit status and the tail of its output.
func (d *driver) describeFailure(err error) (summary, report string) {
	msg := err.Error()
	var b strings.Builder
	var eval *starlark.EvalError
	if errors.As(err, &eval) {
		b.WriteString(d.backtrace(eval.CallStack))
	}
	b.WriteString("Error: " + msg + "\n")
	var cmd *commandError
	if errors.As(err, &cmd) {
		fmt.Fprintf(&b, "Command: %s\n", cmd.command)
		if cmd.wantFailure {
			b.WriteString("Exit status: 0 (it had to fail)\n")
		} else {
			fmt.Fprintf(&b, "Exit status: %d\n", cmd.status)
		}
		b.WriteString(outputTail(cmd.output))
	}
	return firstLine(msg), b.String()
}

// backtrace lists the script frames of a call stack, outermost first,
// each with its position and source line.
func (d *driver) backtrace(stack starlark.CallStack) string {
	var b strings.Builder
	b.WriteString("Traceback (most recent call last):\n")
	for _, fr := range stack {
		if fr.Pos.Filename() == "<builtin>" {
			fmt.Fprintf(&b, "  in %s\n", fr.Name)
			continue
		}
		fmt.Fprintf(&b, "  %s: in %s\n", fr.Pos, fr.Name)
		if line := d.sourceLine(fr.Pos.Filename(), int(fr.Pos.Line)); line != "" {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	return b.String()
}

// sourceLine returns a line of a script, without its indentation.
func (d *driver) sourceLine(file string, line int) string {
	src, ok := d.sources[file]
	if !ok || line < 1 {
		return ""
	}
	lines := strings.Split(string(src), "\n")
	if line > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[line-1])
}

// outputTail shows the last lines of a command's output.
func outputTail(out []byte) string {
	text := strings.TrimRight(string(out), "\n")
	if text == "" {
		return "Output: (none)\n"
	}
	lines := strings.Split(text, "\n")
	head := fmt.Sprintf("Output (%d lines):\n", len(lines))
	if len(lines) > outputTailLines {
		head = fmt.Sprintf("Output (last %d of %d lines):\n", outputTailLines, len(lines))
		lines = lines[len(lines)-outputTailLines:]
	}
	for i, l := range lines {
		lines[i] = displayLine([]byte(l), liveLineBytes) // binary stays out of the terminal
	}
	return head + "  | " + strings.Join(lines, "\n  | ") + "\n"
}
