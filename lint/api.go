package lint

import (
	"sort"

	"github.com/vmt-dev/vmt/lang"
)

// Severity of a finding.
type Severity int

const (
	Error Severity = iota
	Warning
	Info
)

// String is the severity as the text and JSON outputs spell it.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return "unknown"
}

// Position is a 1-based line and a 1-based column counted in runes, as
// go.starlark.net reports them (the language server converts to UTF-16).
type Position struct {
	Line, Col int
}

// Finding is one problem reported by a rule.
type Finding struct {
	Rule     string // stable kebab-case rule name
	Severity Severity
	Pos, End Position
	Message  string
	// Fix, when set, is a safe rewrite that resolves the finding.
	Fix *Fix
}

// Fix is a set of non-overlapping text replacements.
type Fix struct {
	Edits []Edit
}

// Edit replaces the text from Pos up to End (exclusive) with New.
type Edit struct {
	Pos, End Position
	New      string
}

// Config is what the linter knows besides the script itself.
type Config struct {
	// Machines are machine names from flags or start scripts; names declared
	// in the script and in its directive comment are added by the linter.
	Machines []string
	// Table is the script API to check against; nil means lang.Default.
	Table *lang.Table
}

// File lints one script. It never panics, whatever src holds. Findings are
// sorted by position; those silenced by `# vmt: disable=RULE` comments are
// left out.
func File(filename string, src []byte, cfg Config) []Finding {
	p := newPass(filename, src, cfg)
	if p.file != nil {
		for _, r := range rules {
			if r.run != nil {
				r.run(r, p)
			}
		}
	}
	findings := p.directives.filter(p.findings)
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i].Pos, findings[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return findings
}
