package main

import (
	"strings"
	"testing"
)

// --debug's settings are checked before anything boots.
func TestRunDebugSettings(t *testing.T) {
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"--debug-timeout", "0"}, "--debug-timeout 0: give seconds > 0"},
		{"yes please", nil, `VMT_DEBUG="yes please": give 1 or 0`},
	} {
		t.Setenv("VMT_DEBUG", c.env)
		_, stderr, code := runVerb(t, "", append(append([]string{"run"}, c.args...), "testdata/two-machines.star")...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v with VMT_DEBUG=%q: exit %d, %q; want %d with %q", c.args, c.env, code, stderr, exitUsage, c.want)
		}
	}
}
