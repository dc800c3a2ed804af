package suite

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/junit"
)

// What vmt run writes for a test with a subtest that failed.
const childReport = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="ping.star" tests="2" failures="1" time="3.000">
    <testcase name="main" classname="ping.star" time="3.000"></testcase>
    <testcase name="reach the peer" classname="ping.star" time="1.000">
      <failure message="command failed">ping: no route</failure>
    </testcase>
  </testsuite>
</testsuites>
`

func TestMergeJUnit(t *testing.T) {
	results := []Result{
		{Test: Test{Name: "net/ping.star"}, Outcome: Failed, Took: 3 * time.Second, Detail: "test failed", JUnit: []byte(childReport)},
		{Test: Test{Name: "boot.star"}, Outcome: Passed, Took: time.Second,
			JUnit: []byte(`<testsuites><testsuite name="boot.star" tests="1" failures="0" time="1.000"><testcase name="main" classname="boot.star" time="1.000"></testcase></testsuite></testsuites>`)},
		{Test: Test{Name: "crash.star"}, Outcome: Failed, Detail: "vmt run died: signal: killed", Tail: []string{"machine: booting", "<&> the end"}},
		{Test: Test{Name: "broken.star"}, Outcome: Errored, Detail: "vmt run refused the test (exit status 2)", Tail: []string{"broken.star:1:5: got newline"}, JUnit: []byte("")},
		{Test: Test{Name: "late.star"}, Outcome: NotRun, Detail: "interrupted before it started"},
	}
	data, err := MergeJUnit(results, 9*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var doc junit.Suites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the merged report is not XML: %v\n%s", err, data)
	}
	if doc.Tests != 6 || doc.Failures != 2 || doc.Errors != 1 || doc.Time != "9.000" {
		t.Errorf("testsuites: tests %d failures %d errors %d time %s, want 6, 2, 1, 9.000\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Time, data)
	}
	type want struct {
		name                             string
		tests, failures, errors, skipped int
		cases                            string
	}
	wants := []want{
		{"net/ping.star", 2, 1, 0, 0, "main,reach the peer"},
		{"boot.star", 1, 0, 0, 0, "main"},
		{"crash.star", 1, 1, 0, 0, "main"},
		{"broken.star", 1, 0, 1, 0, "main"},
		{"late.star", 1, 0, 0, 1, "main"},
	}
	if len(doc.Suites) != len(wants) {
		t.Fatalf("%d test suites, want %d", len(doc.Suites), len(wants))
	}
	for i, w := range wants {
		s := doc.Suites[i]
		var cases []string
		for _, c := range s.Cases {
			cases = append(cases, c.Name)
			if c.ClassName != w.name {
				t.Errorf("case %s of %s has class name %s", c.Name, w.name, c.ClassName)
			}
		}
		if s.Name != w.name || s.Tests != w.tests || s.Failures != w.failures || s.Errors != w.errors || s.Skipped != w.skipped || strings.Join(cases, ",") != w.cases {
			t.Errorf("suite %d: %s tests %d failures %d errors %d skipped %d cases %v; want %+v", i, s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, cases, w)
		}
	}
	if c := doc.Suites[2].Cases[0]; c.Failure == nil || c.Failure.Message != "vmt run died: signal: killed" || c.Failure.Text != "machine: booting\n<&> the end" {
		t.Errorf("the case of a test without a report: %+v", c.Failure)
	}
}

// A report with no tests at all (a shard without tests) is still one.
func TestMergeJUnitEmpty(t *testing.T) {
	data, err := MergeJUnit(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var doc junit.Suites
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty report: %v, %+v\n%s", err, doc, data)
	}
}
