package runtime

import (
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/qemu"
	"go.starlark.net/starlark"
)

// bound lists the implementations of one lang type (or of the globals).
type bound struct {
	methods []string
	attrs   []string
}

func keys[V any](m map[string]V) []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// implementations returns every implementation by lang type name; "" is
// the globals.
func implementations() map[string]bound {
	impls := map[string]bound{
		"":                 {methods: keys(globalFuncs), attrs: keys(globalValues)},
		"Machine":          {methods: keys(machineMethods), attrs: keys(machineAttrs)},
		"VLan":             {attrs: keys(vlanAttrs)},
		"PollingCondition": {methods: keys(pollingMethods), attrs: keys(pollingAttrs)},
		"Match":            {methods: keys(matchMethods), attrs: keys(matchAttrs)},
		"Pattern":          {methods: keys(patternMethods), attrs: keys(patternAttrs)},
		"HostResult":       {attrs: keys(hostResultAttrs)},
	}
	for module, funcs := range moduleFuncs {
		impls[module] = bound{methods: keys(funcs)}
	}
	return impls
}

// entries returns every entry of the table in the same shape.
func entries(t *lang.Table) map[string]bound {
	out := map[string]bound{}
	var globals bound
	for _, f := range t.Funcs {
		globals.methods = append(globals.methods, f.Name)
	}
	for _, v := range t.Values {
		globals.attrs = append(globals.attrs, v.Name)
	}
	out[""] = globals
	for _, ty := range t.Types {
		var b bound
		for _, m := range ty.Methods {
			b.methods = append(b.methods, m.Name)
		}
		for _, a := range ty.Attrs {
			b.attrs = append(b.attrs, a.Name)
		}
		out[ty.Name] = b
	}
	return out
}

// The single-source rule: every entry of lang.Default has an
// implementation, and every implementation has an entry.
func TestEveryEntryIsBound(t *testing.T) {
	want, got := entries(lang.Default), implementations()
	for typ, b := range want {
		impl, ok := got[typ]
		if !ok {
			t.Errorf("lang type %s has no implementation in runtime", typ)
			continue
		}
		compareNames(t, typ, "method", b.methods, impl.methods)
		compareNames(t, typ, "attribute", b.attrs, impl.attrs)
	}
	for typ := range got {
		if _, ok := want[typ]; !ok {
			t.Errorf("runtime implements type %s, which lang does not have", typ)
		}
	}
}

func compareNames(t *testing.T, typ, kind string, entries, impls []string) {
	t.Helper()
	in := func(list []string, name string) bool {
		for _, n := range list {
			if n == name {
				return true
			}
		}
		return false
	}
	owner := typ
	if owner == "" {
		owner = "globals"
	}
	for _, name := range entries {
		if !in(impls, name) {
			t.Errorf("%s: %s %s has a lang entry but no implementation", owner, kind, name)
		}
	}
	for _, name := range impls {
		if !in(entries, name) {
			t.Errorf("%s: %s %s is implemented but has no lang entry", owner, kind, name)
		}
	}
}

// The globals a script sees are the ones the static check resolves with.
func TestPredeclaredMatchesTheCheck(t *testing.T) {
	d := newDriver(t.Context(), Options{Script: "t.star"})
	d.machines = []*Machine{{d: d, name: "web-1"}}
	d.vlans = []*VLAN{{d: d, nr: 3}}
	got := keys(d.predeclared())
	globals := analysis.Analyze("t.star", nil, analysis.Config{Machines: []string{"web-1"}, VLANs: []int{3}, Exact: true}).Globals
	want := globals.Names()
	slices.Sort(want)
	if len(got) != len(want) {
		t.Fatalf("predeclared %q, check resolves %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("predeclared %q, check resolves %q", got, want)
		}
	}
	if d.predeclared()["machine"] != d.predeclared()["web_1"] {
		t.Errorf("machine is not the alias of the only machine")
	}
	if _, ok := d.predeclared()["web_1"].(*Machine); !ok {
		t.Errorf("web_1 is not the machine web-1")
	}
	if _, ok := d.predeclared()["vlan3"].(*VLAN); !ok {
		t.Errorf("vlan3 is not a VLan")
	}
	if _, ok := d.predeclared()["re"].(starlark.HasAttrs); !ok {
		t.Errorf("re is not a module")
	}
}

// create_machine's documented memory_size is the engine's default.
func TestMemoryDefaultIsTheEngines(t *testing.T) {
	for _, p := range lang.Default.Func("create_machine").Params {
		if p.Name == "memory_size" {
			if p.Default != strconv.Itoa(qemu.DefaultMemoryMB) {
				t.Errorf("memory_size defaults to %s in lang, to %d in the engine", p.Default, qemu.DefaultMemoryMB)
			}
			return
		}
	}
	t.Fatal("create_machine has no memory_size")
}
