package suite

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteSummary writes the end of each test that did not pass (its last
// log lines), then a table of every test with its result and time, then
// the totals.
func WriteSummary(w io.Writer, results []Result, took time.Duration) {
	for _, r := range results {
		if r.Outcome == Passed || len(r.Tail) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n--- %s %s: %s; the last lines of %s:\n", r.Test.Name, r.Outcome, r.Detail, r.Log)
		for _, line := range r.Tail {
			fmt.Fprintln(w, "    "+printable(line))
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TEST\tRESULT\tTIME")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Test.Name, r.Outcome, formatTook(r.Took))
	}
	tw.Flush()
	fmt.Fprintln(w, Totals(results)+" in "+formatTook(took))
}

// Totals counts the results by outcome: "3 tests: 2 passed, 1 failed".
func Totals(results []Result) string {
	counts := map[Outcome]int{}
	for _, r := range results {
		counts[r.Outcome]++
	}
	var parts []string
	for _, o := range []Outcome{Passed, Failed, Errored, NotRun} {
		switch n := counts[o]; {
		case n > 1 && o == Errored:
			parts = append(parts, fmt.Sprintf("%d errors", n))
		case n > 0:
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	noun := "tests"
	if len(results) == 1 {
		noun = "test"
	}
	total := fmt.Sprintf("%d %s", len(results), noun)
	if len(parts) == 0 {
		return total
	}
	return total + ": " + strings.Join(parts, ", ")
}

// Worst is the outcome that decides the suite's exit status: Errored
// (a script or flags were refused) over Failed and NotRun over Passed.
func Worst(results []Result) Outcome {
	worst := Passed
	for _, r := range results {
		switch {
		case r.Outcome == Errored:
			return Errored
		case r.Outcome != Passed:
			worst = Failed
		}
	}
	return worst
}
