package analysis

import (
	"bytes"
	"fmt"
	"strings"

	"go.starlark.net/syntax"
)

// Directive comments tell the analysis what it cannot see:
//
//	# vmt: machines=server,client    the test's machines, for editors
//	# vmt: disable=unused-variable   silence rules; comma-separated, or "all"
//
// A disable comment at the end of a line applies to that line; on a line of
// its own it applies to the next line, or to the whole file when it comes
// before the first statement.
const directivePrefix = "vmt:"

// Directives are the directive comments of a script.
type Directives struct {
	Machines []string
	// Disabled lists every rule name a disable directive gives, where it
	// is written, for lint to check the names.
	Disabled     []DirectiveItem
	Problems     []DirectiveItem // directives that are none of the above
	fileDisabled map[string]bool
	lineDisabled map[int]map[string]bool
}

// DirectiveItem is a rule name of a disable directive, or a problem with a
// directive.
type DirectiveItem struct {
	Pos  syntax.Position
	Text string
}

// Filter drops the findings a disable directive silences.
func (d Directives) Filter(findings []Finding) []Finding {
	var kept []Finding
	for _, f := range findings {
		line := d.lineDisabled[f.Pos.Line]
		if d.fileDisabled[f.Rule] || d.fileDisabled["all"] || line[f.Rule] || line["all"] {
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// collectDirectives reads the directive comments of a parsed file.
func collectDirectives(file *syntax.File) Directives {
	d := Directives{fileDisabled: map[string]bool{}, lineDisabled: map[int]map[string]bool{}}
	firstLine := int32(1 << 30)
	if len(file.Stmts) > 0 {
		firstLine = syntax.Start(file.Stmts[0]).Line
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		if n == nil {
			return true
		}
		c := n.Comments()
		if c == nil {
			return true
		}
		for _, comment := range c.Before {
			d.add(comment, false, firstLine)
		}
		for _, comment := range c.After {
			d.add(comment, false, firstLine)
		}
		for _, comment := range c.Suffix {
			d.add(comment, true, firstLine)
		}
		return true
	})
	return d
}

// scanDirectiveLines reads the whole-line directive comments of a script
// that does not parse.
func scanDirectiveLines(src []byte) Directives {
	d := Directives{fileDisabled: map[string]bool{}, lineDisabled: map[int]map[string]bool{}}
	firstLine := int32(1 << 30)
	for i, line := range bytes.Split(src, []byte("\n")) {
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		lineNo := int32(i + 1)
		if trimmed[0] != '#' {
			firstLine = min(firstLine, lineNo)
			continue
		}
		col := int32(bytes.IndexByte(line, '#') + 1)
		d.add(syntax.Comment{Start: syntax.MakePosition(nil, lineNo, col), Text: string(trimmed)}, false, firstLine)
	}
	return d
}

// add records one comment if it is a directive.
func (d *Directives) add(c syntax.Comment, trailing bool, firstStmtLine int32) {
	body, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(c.Text, "#")), directivePrefix)
	if !ok {
		return
	}
	// A further # starts a remark about the directive.
	body, _, _ = strings.Cut(body, "#")
	for _, field := range strings.Fields(body) {
		key, value, _ := strings.Cut(field, "=")
		var items []string
		for _, item := range strings.Split(value, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		switch key {
		case "machines":
			d.Machines = append(d.Machines, items...)
		case "disable":
			for _, rule := range items {
				d.Disabled = append(d.Disabled, DirectiveItem{c.Start, rule})
				switch {
				case trailing:
					d.disableLine(int(c.Start.Line), rule)
				case c.Start.Line < firstStmtLine:
					d.fileDisabled[rule] = true
				default:
					d.disableLine(int(c.Start.Line)+1, rule)
				}
			}
		default:
			d.Problems = append(d.Problems, DirectiveItem{c.Start, fmt.Sprintf("unknown directive %q: write `# vmt: machines=a,b` or `# vmt: disable=RULE`", field)})
		}
	}
}

func (d *Directives) disableLine(line int, rule string) {
	if d.lineDisabled[line] == nil {
		d.lineDisabled[line] = map[string]bool{}
	}
	d.lineDisabled[line][rule] = true
}
