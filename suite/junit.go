package suite

import (
	"encoding/xml"
	"strings"
	"time"

	"github.com/vmt-dev/vmt/internal/junit"
)

// WriteJUnit writes one JUnit report for the results: a test suite per
// test with the cases of its own report (its subtests and "main"). A test
// that wrote no report gets one case telling how it ended, with the end of
// its log.
func WriteJUnit(path string, results []Result, took time.Duration) error {
	return junit.Write(path, merge(results, took))
}

// MergeJUnit is the merged JUnit document of WriteJUnit.
func MergeJUnit(results []Result, took time.Duration) ([]byte, error) {
	return junit.Encode(merge(results, took))
}

func merge(results []Result, took time.Duration) junit.Suites {
	doc := junit.Suites{Time: junit.Seconds(took)}
	for _, r := range results {
		s := suiteOf(r)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	return doc
}

// suiteOf is the test suite of one test: its own report's cases, renamed
// after the test (two scripts may share a base name), or a case made up
// from its result.
func suiteOf(r Result) junit.Suite {
	s := junit.Suite{Name: r.Test.Name, Time: junit.Seconds(r.Took)}
	var own junit.Suites
	if r.JUnit != nil && xml.Unmarshal(r.JUnit, &own) == nil && len(own.Suites) > 0 {
		for _, ts := range own.Suites {
			s.Cases = append(s.Cases, ts.Cases...)
		}
	}
	if len(s.Cases) == 0 || (r.Outcome != Passed && !anyProblem(s.Cases)) {
		s.Cases = append(s.Cases, caseOf(r))
	}
	for i := range s.Cases {
		c := &s.Cases[i]
		c.ClassName = r.Test.Name
		switch {
		case c.Error != nil:
			s.Errors++
		case c.Failure != nil:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	s.Tests = len(s.Cases)
	return s
}

// caseOf tells how a test that left no report of its failure ended.
func caseOf(r Result) junit.Case {
	c := junit.Case{Name: "main", Time: junit.Seconds(r.Took)}
	problem := &junit.Problem{Message: r.Detail, Text: strings.Join(r.Tail, "\n")}
	switch r.Outcome {
	case Failed:
		c.Failure = problem
	case Errored:
		c.Error = problem
	case NotRun:
		c.Skipped = problem
	}
	return c
}

func anyProblem(cases []junit.Case) bool {
	for _, c := range cases {
		if c.Failure != nil || c.Error != nil {
			return true
		}
	}
	return false
}
