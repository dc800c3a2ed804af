package suite

import (
	"bytes"
	"testing"
	"time"
)

func TestSummary(t *testing.T) {
	var out bytes.Buffer
	WriteSummary(&out, []Result{
		{Test: Test{Name: "a.star"}, Outcome: Passed, Took: 2 * time.Second},
		{Test: Test{Name: "net/b.star"}, Outcome: Failed, Took: 75 * time.Second, Detail: "test failed", Log: "vmt-out/net/b/vmt-run.log", Tail: []string{"assertion failed", "test failed in 75s"}},
		{Test: Test{Name: "c.star"}, Outcome: NotRun, Detail: "interrupted before it started"},
	}, 80*time.Second)
	want := `
--- net/b.star failed: test failed; the last lines of vmt-out/net/b/vmt-run.log:
    assertion failed
    test failed in 75s

TEST        RESULT   TIME
a.star      passed   2.0s
net/b.star  failed   1m15s
c.star      not run  0.0s
3 tests: 1 passed, 1 failed, 1 not run in 1m20s
`
	if out.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestWorst(t *testing.T) {
	r := func(o ...Outcome) []Result {
		var rs []Result
		for _, x := range o {
			rs = append(rs, Result{Outcome: x})
		}
		return rs
	}
	for _, tc := range []struct {
		results []Result
		want    Outcome
	}{
		{nil, Passed},
		{r(Passed, Passed), Passed},
		{r(Passed, NotRun), Failed},
		{r(Failed, Errored, Passed), Errored},
	} {
		if got := Worst(tc.results); got != tc.want {
			t.Errorf("Worst(%v) = %s, want %s", tc.results, got, tc.want)
		}
	}
}

func TestTotals(t *testing.T) {
	for _, tc := range []struct {
		outcomes []Outcome
		want     string
	}{
		{nil, "0 tests"},
		{[]Outcome{Passed}, "1 test: 1 passed"},
		{[]Outcome{Errored, Failed, Errored, NotRun}, "4 tests: 1 failed, 2 errors, 1 not run"},
	} {
		var results []Result
		for _, o := range tc.outcomes {
			results = append(results, Result{Outcome: o})
		}
		if got := Totals(results); got != tc.want {
			t.Errorf("Totals(%v) = %q, want %q", tc.outcomes, got, tc.want)
		}
	}
}
