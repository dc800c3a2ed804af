package runtime

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/internal/testcases"
	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
)

// vmt run refuses a script before booting exactly when vmt lint finds an
// error in it, in the same words: checked on every testdata case of every
// lint rule and on lint's corpus of real-style scripts, with the machines
// of the case's directive (or the one machine `machine`) and the VLANs it
// uses.
func TestCheckAgreesWithLint(t *testing.T) {
	rules := testcases.Load(t, "../lint/testdata/*.star")
	corpus := testcases.Load(t, "../lint/testdata/corpus/*.star")
	vlanUse := regexp.MustCompile(`\bvlan([1-9][0-9]*)\b`)
	cases, refused := 0, 0
	for _, c := range append(rules, corpus...) {
		cases++
		file, src := c.File, c.Text()
		machines := analysis.Analyze(file, []byte(src), analysis.Config{}).Directives.Machines
		if len(machines) == 0 {
			machines = []string{lang.MachineAlias}
		}
		var vlans []int
		for _, m := range vlanUse.FindAllStringSubmatch(src, -1) {
			nr, _ := strconv.Atoi(m[1])
			vlans = append(vlans, nr)
		}
		var want []string
		for _, f := range lint.File(file, []byte(src), lint.Config{Machines: machines}) {
			if f.Severity == lint.Error {
				want = append(want, fmt.Sprintf("%s:%d:%d: %s: %s", file, f.Pos.Line, f.Pos.Col, f.Rule, f.Message))
			}
		}
		var specs []MachineSpec
		for _, name := range machines {
			specs = append(specs, MachineSpec{Name: name})
		}
		var got []string
		if _, err := compile(Options{Script: file, Source: []byte(src), Machines: specs, VLANs: vlans}); err != nil {
			got = strings.Split(err.Error(), "\n")
		}
		if len(got) > 0 {
			refused++
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the case there: vmt run refuses\n\t%s\nvmt lint reports the errors\n\t%s",
				c.Where(1), strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
	}
	t.Logf("%d cases, %d refused", cases, refused)
}
