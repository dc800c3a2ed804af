package vmtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// String is the outcome as the summary shows it.
func (r Result) String() string {
	switch r.Outcome {
	case Passed:
		return "ok"
	case Failed:
		return fmt.Sprintf("exit %d", r.Status)
	case TimedOut:
		return "timeout"
	}
	return "no boot"
}

// WriteSummary writes a table of the results: target, outcome, boot time
// and total time, then each failure's reason.
func WriteSummary(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tSTATUS\tBOOT\tTOTAL")
	for _, r := range results {
		boot := "-"
		if r.Boot > 0 {
			boot = seconds(r.Boot)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Target, r, boot, seconds(r.Total))
	}
	tw.Flush()
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(w, "\n%s: %s\n", r.Target, strings.TrimRight(r.Err.Error(), "\n"))
		}
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }
