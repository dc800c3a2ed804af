package lint

import (
	"github.com/vmt-dev/vmt/analysis"
)

// The finding types are the analysis package's, so that lint, the
// language server and `vmt run` report one thing in one shape.
type (
	Severity = analysis.Severity
	Position = analysis.Position
	Finding  = analysis.Finding
	Fix      = analysis.Fix
	Edit     = analysis.Edit
	// Config is what the linter knows besides the script itself.
	Config = analysis.Config
)

const (
	Error   = analysis.Error
	Warning = analysis.Warning
	Info    = analysis.Info
)

// File lints one script. It never panics, whatever src holds. Findings are
// sorted by position; those silenced by `# vmt: disable=RULE` comments are
// left out.
func File(filename string, src []byte, cfg Config) []Finding {
	return Script(analysis.Analyze(filename, src, cfg))
}

// Script lints a script already analysed: the analysis's errors, which
// `vmt run` refuses too, then the warnings of lint's own rules.
func Script(s *analysis.Script) []Finding {
	findings := append([]Finding(nil), s.Errors()...)
	if s.File != nil {
		p := &pass{Script: s}
		for _, r := range rules {
			if r.run != nil {
				r.run(r, p)
			}
		}
		findings = append(findings, s.Directives.Filter(p.findings)...)
	}
	analysis.SortFindings(findings)
	return findings
}
