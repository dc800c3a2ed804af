package lint

import (
	"fmt"

	"github.com/vmt-dev/vmt/analysis"

	"github.com/vmt-dev/vmt/internal/suggest"
)

// Rule is one check: a stable name, its severity, the paragraph
// `vmt lint --explain` prints, and the function that runs it.
type Rule struct {
	Name     string
	Severity Severity
	Doc      string
	run      func(*Rule, *pass)
}

// rules in the order `vmt lint --explain` lists them: the analysis's
// checks, whose findings are errors `vmt run` refuses too, then lint's
// own. The list is built in init because rules consult it (through
// directives) while they run.
var rules []*Rule

func init() {
	for _, c := range analysis.Checks() {
		// The analysis reports these findings itself (Script.Errors).
		rules = append(rules, &Rule{Name: c.Name, Severity: Error, Doc: c.Doc})
	}
	rules = append(rules,
		ruleDeprecated,
		ruleUnusedVariable,
		ruleUnusedAssignment,
		ruleUnreachableCode,
		ruleNoEffect,
		ruleShadowedName,
		ruleBadDirective,
	)
}

// Rules returns every rule.
func Rules() []*Rule {
	return append([]*Rule(nil), rules...)
}

// RuleNames returns the names of every rule, in the order of Rules.
func RuleNames() []string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.Name
	}
	return names
}

// UnknownRule describes a rule name that is none of the rules, with the
// closest rule name when it looks like a misspelling of one.
func UnknownRule(name string) string {
	msg := fmt.Sprintf("unknown rule %q", name)
	if guess := suggest.Closest(name, RuleNames()); guess != "" {
		msg += fmt.Sprintf("; did you mean %q?", guess)
	}
	return msg
}

// RuleByName returns the rule named name, or nil.
func RuleByName(name string) *Rule {
	for _, r := range rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}
