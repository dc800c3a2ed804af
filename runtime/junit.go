package runtime

import (
	"encoding/xml"
	"fmt"
	"os"
	"time"
)

// testCase is one JUnit test case: a subtest, or "main" for the steps
// outside every subtest.
type testCase struct {
	name    string
	took    time.Duration
	failure string // one-line message; "" when it passed
	details string // the failure report
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes the test cases as a JUnit XML report, one test suite
// named after the script.
func writeJUnit(path, suite string, cases []testCase, took time.Duration) error {
	s := junitSuite{Name: suite, Tests: len(cases), Time: seconds(took)}
	for _, c := range cases {
		jc := junitCase{Name: c.name, ClassName: suite, Time: seconds(c.took)}
		if c.failure != "" {
			s.Failures++
			jc.Failure = &junitFailure{Message: c.failure, Text: c.details}
		}
		s.Cases = append(s.Cases, jc)
	}
	data, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{s}}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the JUnit report: %w", err)
	}
	data = append([]byte(xml.Header), append(data, '\n')...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing the JUnit report: %w", err)
	}
	return nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
