package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/suite"
)

// Options about one test, bad flags and missing tests are refused, with
// exit status 2, before any test starts.
func TestRunManyUsageErrors(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.star"), filepath.Join(dir, "b.star")
	for _, p := range []string{a, b} {
		os.WriteFile(p, []byte("create_machine(\"machine\")\nmachine.succeed(\"true\")\n"), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "empty"), 0o755)
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"-I", a, b}, "-I/--interactive"},
		{nil, []string{"--debug", a, b}, "--debug (or VMT_DEBUG)"},
		{map[string]string{"VMT_DEBUG": "1"}, []string{a, b}, "--debug (or VMT_DEBUG)"},
		{nil, []string{"-K", dir}, "-K/--keep-vm-state"},
		{map[string]string{"testScript": a}, []string{a, b}, "testScript"},
		{map[string]string{"LOGFILE": filepath.Join(dir, "log.xml")}, []string{a, b}, "LOGFILE"},
		{nil, []string{"--shard", "3/2", a}, "--shard 3/2: I must be from 1 to 2"},
		{nil, []string{"--shard", "half", a}, `--shard "half": give I/N`},
		{nil, []string{"--shard", "1/2"}, "run --shard needs the tests"},
		{nil, []string{"-j", "-1", a, b}, "-j -1"},
		{nil, []string{filepath.Join(dir, "empty")}, "holds no *.star file"},
		{nil, []string{a, filepath.Join(dir, "missing.star")}, "missing.star: no such file"},
		{nil, []string{"--junit-xml", filepath.Join(dir, "no/such/dir/report.xml"), a, b}, "JUnit report"},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		_, stderr, code := runVerb(t, "", append([]string{"run", "-o", out}, tc.args...)...)
		for k := range tc.env {
			os.Unsetenv(k)
		}
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("vmt run %v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// A shard that none of the tests hash to runs nothing, passes, and still
// writes a JUnit report for the CI job to collect.
func TestRunManyEmptyShard(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "only.star"), []byte("create_machine(\"machine\")\nmachine.succeed(\"true\")\n"), 0o644)
	report := filepath.Join(dir, "report.xml")
	// only.star is in one of two shards; the other one runs nothing.
	shard := suite.Shard{Index: 1, Count: 2}
	if shard.Has("only.star") {
		shard.Index = 2
	}
	stdout, stderr, code := runVerb(t, "", "run", "--shard", shard.String(), "-o", filepath.Join(dir, "out"), "--junit-xml", report, dir)
	if code != exitOK || !strings.Contains(stderr, "found 1 test: 1 *.star in "+dir) ||
		!strings.Contains(stderr, "shard "+shard.String()+" runs 0 of the 1 test") || !strings.Contains(stdout, "0 tests in") {
		t.Errorf("empty shard %s: exit %d\nstdout: %s\nstderr: %s", shard, code, stdout, stderr)
	}
	data, err := os.ReadFile(report)
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
	}
	if err != nil || xml.Unmarshal(data, &doc) != nil || doc.Tests != 0 {
		t.Errorf("empty shard %s: JUnit report %v:\n%s", shard, err, data)
	}
}
