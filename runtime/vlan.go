package runtime

import (
	"fmt"

	"go.starlark.net/starlark"
)

// VLan is the Starlark handle of one VLAN of the test.
type VLan struct {
	d      *driver
	nr     int
	engine VLanEngine
}

var _ starlark.HasAttrs = (*VLan)(nil)

func (v *VLan) String() string        { return fmt.Sprintf("<VLan %d>", v.nr) }
func (v *VLan) Type() string          { return "VLan" }
func (v *VLan) Freeze()               {}
func (v *VLan) Truth() starlark.Bool  { return true }
func (v *VLan) Hash() (uint32, error) { return starlark.MakeInt(v.nr).Hash() }
func (v *VLan) AttrNames() []string   { return memberNames("VLan") }
func (v *VLan) Attr(name string) (starlark.Value, error) {
	return member[*VLan](v.d, "VLan", v, name, nil, vlanAttrs)
}

func vlanList(vlans []*VLan) starlark.Value {
	values := make([]starlark.Value, len(vlans))
	for i, v := range vlans {
		values[i] = v
	}
	l := starlark.NewList(values)
	l.Freeze()
	return l
}
