package lang

import (
	"math"
	"strconv"
	"strings"
)

// Names the tools do not only look up in the table but act on: the
// analysis, the linter, the language server and the runtime make the
// per-test globals from them and read create_machine calls before a
// script runs.
const (
	// MachineType is the type of a machine.
	MachineType = "Machine"
	// VLANType is the type of a VLAN.
	VLANType = "VLan"
	// MachineAlias is the global naming the only machine of a test.
	MachineAlias = "machine"
	// VLANsGlobal lists the test's VLANs; it grows when a machine plugs
	// into a new VLAN while the script runs.
	VLANsGlobal = "vlans"
	// CreateMachine declares a machine in the script; the machine's name
	// and VLANs are read from the literal arguments of its calls.
	CreateMachine = "create_machine"
	// CreateMachineName and CreateMachineVLANs are those arguments.
	CreateMachineName  = "name"
	CreateMachineVLANs = "vlans"
)

// vlanPrefix starts the name of every VLAN's global: vlan1, vlan2, ...
const vlanPrefix = "vlan"

// VLANGlobal is the name of the global of VLAN nr: vlan1 for 1.
func VLANGlobal(nr int) string {
	return vlanPrefix + strconv.Itoa(nr)
}

// VLANNumber reads the number of a VLAN global's name: 1 for vlan1. It
// reports false for any other name, such as vlan, vlan01 or vlanx; a
// number too large for an int is math.MaxInt, a VLAN no test has.
func VLANNumber(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, vlanPrefix)
	if !ok || digits == "" || digits[0] == '0' || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	nr, err := strconv.Atoi(digits)
	if err != nil {
		nr = math.MaxInt
	}
	return nr, true
}
