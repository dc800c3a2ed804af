package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/vmt-dev/vmt/lint"
)

// docs/lint.md's tables say what vmt lint has: its flag table names every
// flag of the verb and no other, its rule table every rule with its
// severity, in the order --list-rules gives.
func TestLintDocsTables(t *testing.T) {
	data, err := os.ReadFile("../../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ([^|]+)")
	// table returns the first cells and the second cells' first words of
	// the rows of the table under header.
	table := func(header string) (names []string, second map[string]string) {
		_, rest, found := strings.Cut(string(data), header+"\n")
		if !found {
			t.Fatalf("docs/lint.md has no table %q", header)
		}
		rest, _, _ = strings.Cut(rest, "\n\n")
		second = map[string]string{}
		for _, m := range row.FindAllStringSubmatch(rest, -1) {
			name := strings.Fields(m[1])[0]
			names = append(names, name)
			second[name] = strings.Fields(m[2])[0]
		}
		return names, second
	}
	docFlags, _ := table("| flag | meaning |")
	for i, f := range docFlags {
		docFlags[i] = strings.TrimPrefix(f, "--")
	}
	docRules, severity := table("| rule | severity |")

	var flags []string
	cmd, _, err := root.Find([]string{"lint"})
	if err != nil {
		t.Fatal(err)
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" {
			flags = append(flags, f.Name)
		}
	})
	slices.Sort(flags)
	slices.Sort(docFlags)
	if !slices.Equal(flags, docFlags) {
		t.Errorf("docs/lint.md documents the flags %v; vmt lint has %v", docFlags, flags)
	}

	var rules []string
	for _, r := range lint.Rules() {
		rules = append(rules, r.Name)
		if severity[r.Name] != r.Severity.String() {
			t.Errorf("docs/lint.md gives rule %s the severity %q; it is %s", r.Name, severity[r.Name], r.Severity)
		}
	}
	if !slices.Equal(rules, docRules) {
		t.Errorf("docs/lint.md lists the rules %v; vmt lint --list-rules gives %v", docRules, rules)
	}
}
