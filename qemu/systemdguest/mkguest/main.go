// Command mkguest builds vmt's Debian systemd test guest (cached under
// vmt's cache directory) and writes a NixOS-style start script
// run-NAME-vm for each machine named on its command line, in order: the
// i-th machine has the addresses 192.168.N.i on each VLAN N given with
// -vlan, and the others' names in its /etc/hosts. Building needs root
// (mmdebstrap) the first time.
//
//	go run ./qemu/systemdguest/mkguest -o /tmp/guest server
//	vmt run --start-scripts /tmp/guest/run-server-vm examples/systemd.star
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/vmt-dev/vmt/qemu/systemdguest"
)

// vlanList collects repeated -vlan flags.
type vlanList []int

func (v *vlanList) String() string { return fmt.Sprint(*v) }

func (v *vlanList) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 255 {
		return fmt.Errorf("VLAN %q: give a number from 1 to 255", s)
	}
	*v = append(*v, n)
	return nil
}

func main() {
	dir := flag.String("o", ".", "directory to write the start scripts into")
	var vlans vlanList
	flag.Var(&vlans, "vlan", "put every machine on this VLAN (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: mkguest [-o DIR] [-vlan N]... NAME...\n\n"+
			"Builds vmt's Debian systemd test guest and writes a start script\n"+
			"run-NAME-vm into DIR for each machine NAME.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	g, err := systemdguest.Build()
	if err != nil {
		fail(err)
	}
	names := flag.Args()
	var scripts []string
	for i, name := range names {
		path, err := g.WriteStartScript(*dir, systemdguest.Machine{Name: name, Index: i + 1, VLANs: vlans, Peers: names})
		if err != nil {
			fail(err)
		}
		scripts = append(scripts, path)
	}
	run := fmt.Sprintf("vmt run --start-scripts '%s'", strings.Join(scripts, " "))
	if len(vlans) > 0 {
		run += fmt.Sprintf(" --vlans '%s'", strings.Trim(fmt.Sprint(vlans), "[]"))
	}
	fmt.Println(run + " SCRIPT.star")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkguest:", err)
	os.Exit(1)
}
