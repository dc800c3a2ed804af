package lint

// Severity of a finding.
type Severity int

const (
	Error Severity = iota
	Warning
	Info
)

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
}

// Config is what the linter knows besides the script itself.
type Config struct {
	// Machines are machine names from flags or start scripts; names declared
	// in the script and in its directive comment are added by the linter.
	Machines []string
}

// File lints one script. It never panics, whatever src holds.
func File(filename string, src []byte, cfg Config) []Finding {
	return nil // implemented by the lint rules
}
