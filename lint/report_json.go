package lint

import (
	"encoding/json"
	"io"
)

// jsonFinding is one finding of --format=json (schema in docs/md).
type jsonFinding struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Severity  string   `json:"severity"`
	Rule      string   `json:"rule"`
	Message   string   `json:"message"`
	Fix       *jsonFix `json:"fix,omitempty"`
}

type jsonFix struct {
	Edits []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	NewText   string `json:"new_text"`
}

func writeJSON(w io.Writer, results []Result) error {
	doc := struct {
		Version  int           `json:"version"`
		Findings []jsonFinding `json:"findings"`
	}{Version: 1, Findings: []jsonFinding{}}
	for _, r := range results {
		for _, f := range r.Findings {
			jf := jsonFinding{
				File: r.Name, Line: f.Pos.Line, Column: f.Pos.Col, EndLine: f.End.Line, EndColumn: f.End.Col,
				Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
			}
			if f.Fix != nil {
				jf.Fix = &jsonFix{}
				for _, e := range f.Fix.Edits {
					jf.Fix.Edits = append(jf.Fix.Edits, jsonEdit{e.Pos.Line, e.Pos.Col, e.End.Line, e.End.Col, e.New})
				}
			}
			doc.Findings = append(doc.Findings, jf)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
