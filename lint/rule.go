package lint

// Rule is one check: a stable name, its severity, the paragraph
// `vmt lint --explain` prints, and the function that runs it.
type Rule struct {
	Name     string
	Severity Severity
	Doc      string
	run      func(*Rule, *pass)
}

// rules in the order `vmt lint --explain` lists them. The list is built in
// init because rules consult it (through directives) while they run.
var rules []*Rule

func init() {
	rules = []*Rule{
		ruleSyntaxError,
		ruleUndefinedName,
		ruleAmbiguousMachine,
		ruleUnknownAttribute,
		ruleCallArguments,
		ruleArgumentType,
		ruleInvalidRegex,
		ruleNotCallable,
		ruleDeprecated,
		ruleUnusedVariable,
		ruleUnusedAssignment,
		ruleUnreachableCode,
		ruleNoEffect,
		ruleDuplicateKey,
		ruleShadowedName,
		ruleBadDirective,
	}
}

// Rules returns every rule.
func Rules() []*Rule {
	return append([]*Rule(nil), rules...)
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
