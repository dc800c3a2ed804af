package runtime

import (
	"time"

	"github.com/vmt-dev/vmt/internal/junit"
)

// testCase is one JUnit test case: a subtest, or "main" for the steps
// outside every subtest.
type testCase struct {
	name    string
	took    time.Duration
	failure string // one-line message; "" when it passed
	details string // the failure report
}

// writeJUnit writes the test cases as a JUnit XML report, one test suite
// named after the script.
func writeJUnit(path, suite string, cases []testCase, took time.Duration) error {
	s := junit.Suite{Name: suite, Tests: len(cases), Time: junit.Seconds(took)}
	for _, c := range cases {
		jc := junit.Case{Name: c.name, ClassName: suite, Time: junit.Seconds(c.took)}
		if c.failure != "" {
			s.Failures++
			jc.Failure = &junit.Problem{Message: c.failure, Text: c.details}
		}
		s.Cases = append(s.Cases, jc)
	}
	return junit.Write(path, junit.Suites{Tests: s.Tests, Failures: s.Failures, Time: s.Time, Suites: []junit.Suite{s}})
}
