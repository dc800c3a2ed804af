package lint

import "io"

// Result is what linting one file produced.
type Result struct {
	Name     string // as the reports show it
	Src      []byte
	Findings []Finding
}

// Formats are the report formats Write takes.
var Formats = []string{"text", "json", "sarif"}

// Failing reports whether results hold an error, or with strict a
// warning: what makes vmt lint exit 1.
func Failing(results []Result, strict bool) bool {
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Severity == Error || (strict && f.Severity == Warning) {
				return true
			}
		}
	}
	return false
}

// Write reports results in format (one of Formats; anything else is
// text).
func Write(w io.Writer, format string, results []Result) error {
	switch format {
	case "json":
		return writeJSON(w, results)
	case "sarif":
		return writeSARIF(w, results)
	}
	return writeText(w, results)
}
