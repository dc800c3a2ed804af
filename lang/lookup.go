package lang

import (
	"sort"
	"strings"
)

// Entry is one documented thing of the table: a global function or value,
// a type or module, or a member of one.
type Entry struct {
	// Path is how the entry is written: "start_all", "Machine",
	// "Machine.succeed", "json.dumps".
	Path  string
	Func  *Func // set for functions and methods
	Value *Attr // set for global values, per-test values and attributes
	Type  *Type // set for types and modules
	Owner *Type // the type or module of a member
}

// Entries returns every entry of the table: globals first, then each type
// followed by its members. A module appears once, as a type.
func (t *Table) Entries() []Entry {
	var entries []Entry
	for _, f := range t.Funcs {
		entries = append(entries, FuncEntry(nil, f))
	}
	for _, v := range t.Values {
		if ty := t.Type(v.Type); ty != nil && ty.Module && ty.Name == v.Name {
			continue
		}
		entries = append(entries, ValueEntry(nil, v))
	}
	for _, v := range t.PerTest {
		entries = append(entries, ValueEntry(nil, v))
	}
	for _, ty := range t.Types {
		entries = append(entries, TypeEntry(ty))
		for _, m := range ty.Methods {
			entries = append(entries, FuncEntry(ty, m))
		}
		for _, a := range ty.Attrs {
			entries = append(entries, ValueEntry(ty, a))
		}
	}
	return entries
}

// GlobalEntry returns the entry documenting a global name: a function's,
// a value's, or for a module its own entry with its members, as `vmt doc
// json` shows it.
func (t *Table) GlobalEntry(name string) (Entry, bool) {
	if f := t.Func(name); f != nil {
		return FuncEntry(nil, f), true
	}
	if v := t.Value(name); v != nil {
		if ty := t.Type(v.Type); ty != nil && ty.Module {
			return TypeEntry(ty), true
		}
		return ValueEntry(nil, v), true
	}
	return Entry{}, false
}

// Lookup finds the entries a name may mean. A qualified name
// ("Machine.succeed", "json.dumps") or a global or type name matches
// exactly; a bare member name ("succeed") matches that member of every
// type, so "fail" gives both the global and Machine.fail. Globals come
// first.
func (t *Table) Lookup(name string) []Entry {
	var found []Entry
	for _, e := range t.Entries() {
		if e.Path == name {
			found = append(found, e)
		}
	}
	if strings.Contains(name, ".") {
		return found
	}
	for _, e := range t.Entries() {
		if e.Owner != nil && strings.TrimPrefix(e.Path, e.Owner.Name+".") == name {
			found = append(found, e)
		}
	}
	return found
}

// Paths returns the sorted paths of every entry, plus the bare names of
// members, for "did you mean" suggestions.
func (t *Table) Paths() []string {
	seen := map[string]bool{}
	var paths []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, e := range t.Entries() {
		add(e.Path)
		if e.Owner != nil {
			add(strings.TrimPrefix(e.Path, e.Owner.Name+"."))
		}
	}
	sort.Strings(paths)
	return paths
}
