package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runVerb runs the vmt root command in-process and returns what it wrote
// and its exit status, resetting every flag afterwards so that tests do not
// leak flag values into each other.
func runVerb(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(bytes.NewBufferString(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	defer resetFlags(root)
	err := root.Execute()
	code = exitOK
	if err != nil {
		var ee *exitError
		switch {
		case errors.As(err, &ee):
			code = ee.code
			if ee.err != nil {
				errOut.WriteString(ee.err.Error())
			}
		default:
			code = exitUsage
			errOut.WriteString(err.Error())
		}
	}
	return out.String(), errOut.String(), code
}

func resetFlags(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			_ = sv.Replace(nil)
		} else {
			_ = f.Value.Set(f.DefValue)
		}
		f.Changed = false
	})
	for _, sub := range cmd.Commands() {
		resetFlags(sub)
	}
}

// A build from a work tree says so in the words the language server uses.
func TestVersion(t *testing.T) {
	stdout, _, code := runVerb(t, "", "version")
	if code != exitOK || stdout != "vmt devel\n" {
		t.Errorf("vmt version: exit %d, %q", code, stdout)
	}
}
