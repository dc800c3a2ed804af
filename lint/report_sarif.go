package lint

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"

	"github.com/vmt-dev/vmt/lang"
)

// SARIF 2.1.0, the format code-scanning UIs import. Only the parts vmt
// fills are modelled.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	FullDescription      sarifMessage `json:"fullDescription"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
			EndLine     int `json:"endLine"`
			EndColumn   int `json:"endColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

// sarifLevel maps severities to SARIF's levels.
func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, results []Result) error {
	driver := sarifDriver{Name: "vmt", InformationURI: "https://github.com/vmt-dev/vmt"}
	index := map[string]int{}
	for i, r := range Rules() {
		rule := sarifRule{ID: r.Name, ShortDescription: sarifMessage{lang.Summary(r.Doc)}, FullDescription: sarifMessage{r.Doc}}
		rule.DefaultConfiguration.Level = sarifLevel(r.Severity)
		driver.Rules = append(driver.Rules, rule)
		index[r.Name] = i
	}
	// Columns are counted in Unicode code points, as the linter counts runes.
	run := sarifRun{Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	for _, r := range results {
		for _, f := range r.Findings {
			var loc sarifLocation
			loc.PhysicalLocation.ArtifactLocation.URI = artifactURI(r.Name)
			region := &loc.PhysicalLocation.Region
			region.StartLine, region.StartColumn = f.Pos.Line, f.Pos.Col
			region.EndLine, region.EndColumn = f.End.Line, f.End.Col
			run.Results = append(run.Results, sarifResult{
				RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
				Message: sarifMessage{f.Message}, Locations: []sarifLocation{loc},
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// artifactURI is a relative path as is, an absolute one as a file URI.
func artifactURI(name string) string {
	if filepath.IsAbs(name) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(name)}).String()
	}
	return filepath.ToSlash(name)
}
