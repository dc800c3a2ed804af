package lang

import (
	"math"
	"testing"
)

func TestVLANNames(t *testing.T) {
	for name, want := range map[string]int{"vlan1": 1, "vlan42": 42, "vlan99999999999999999999999": math.MaxInt} {
		if nr, ok := VLANNumber(name); !ok || nr != want {
			t.Errorf("VLANNumber(%q) = %d, %v; want %d", name, nr, ok, want)
		}
	}
	for _, name := range []string{"vlan", "vlan0", "vlan01", "vlanx", "vlan1x", "vlans", "VLAN1", "xvlan1"} {
		if nr, ok := VLANNumber(name); ok {
			t.Errorf("VLANNumber(%q) = %d, want no VLAN", name, nr)
		}
	}
	if got := VLANGlobal(3); got != "vlan3" {
		t.Errorf("VLANGlobal(3) = %q", got)
	}
}

// The analysis reads a machine's name as create_machine's first argument
// when it is not given by keyword.
func TestCreateMachineTakesTheNameFirst(t *testing.T) {
	if p := Default.Func(CreateMachine).Params[0]; p.Name != CreateMachineName || p.Kind != Positional {
		t.Errorf("create_machine's first parameter is %+v, want the positional %s", p, CreateMachineName)
	}
}
