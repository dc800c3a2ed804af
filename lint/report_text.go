package lint

import (
	"fmt"
	"io"
	"strings"
)

// writeText prints each finding as file:line:col: severity: rule: message,
// then the source line and a caret under the reported span.
func writeText(w io.Writer, results []Result) error {
	for _, r := range results {
		lines := strings.Split(string(r.Src), "\n")
		for _, f := range r.Findings {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s: %s\n", r.Name, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message); err != nil {
				return err
			}
			if f.Pos.Line-1 < len(lines) {
				line := strings.TrimRight(lines[f.Pos.Line-1], "\r")
				fmt.Fprintf(w, "    %s\n    %s\n", line, caret(line, f))
			}
		}
	}
	return nil
}

// caret underlines the finding's span on its first line, keeping tabs so
// the marker lines up with the source.
func caret(line string, f Finding) string {
	var b strings.Builder
	runes := []rune(line)
	for i := 0; i < f.Pos.Col-1 && i < len(runes); i++ {
		if runes[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	end := len(runes) + 1
	if f.End.Line == f.Pos.Line {
		end = min(f.End.Col, end)
	}
	for i := f.Pos.Col + 1; i < end; i++ {
		b.WriteByte('~')
	}
	return b.String()
}
