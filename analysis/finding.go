package analysis

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

// Finding is one problem reported by a check or a lint rule.
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
	// Title names the fix in an editor's menu; empty, the editor names it
	// after its edit.
	Title string
	Edits []Edit
}

// Edit replaces the text from Pos up to End (exclusive) with New.
type Edit struct {
	Pos, End Position
	New      string
}
