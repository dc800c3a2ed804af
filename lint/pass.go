package lint

import (
	"fmt"

	"github.com/vmt-dev/vmt/analysis"
	"go.starlark.net/syntax"
)

// pass is one run of lint's own rules over an analysed script.
type pass struct {
	*analysis.Script
	findings []Finding
}

// report records a finding of rule spanning start to end.
func (p *pass) report(r *Rule, start, end syntax.Position, format string, args ...any) {
	p.reportFix(r, start, end, nil, format, args...)
}

// reportFix records a finding that comes with a safe fix.
func (p *pass) reportFix(r *Rule, start, end syntax.Position, fix *Fix, format string, args ...any) {
	p.findings = append(p.findings, analysis.MakeFinding(r.Name, r.Severity, start, end, fix, fmt.Sprintf(format, args...)))
}

// reportNode records a finding spanning a syntax node.
func (p *pass) reportNode(r *Rule, n syntax.Node, format string, args ...any) {
	start, end := n.Span()
	p.report(r, start, end, format, args...)
}
