package nixos

import "testing"

func TestMachineName(t *testing.T) {
	for path, want := range map[string]string{
		"/nix/store/abc-nixos-vm/bin/run-server-vm": "server",
		"run-client-1-vm":                   "client-1",
		"./run-a-vm":                        "a",
		"/nix/store/abc-run-x-vm/bin/start": "machine",
		"xrun-a-vm":                         "a",
		"/nix/store/x-run-server-vm":        "server",
		"run--vm":                           "machine",
	} {
		if got := MachineName(path); got != want {
			t.Errorf("MachineName(%q) = %q, want %q", path, got, want)
		}
	}
}
