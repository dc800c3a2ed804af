package vmtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Target is one [[target]] of a vmtest.toml, or the target of vmt exec's
// command line. Field names and meanings are vmtest's.
type Target struct {
	Name        string
	Kernel      string // a kernel image: the guest's root is RootFS
	KernelArgs  string
	Image       string // a disk image, booted by its own boot loader
	UEFI        bool
	RootFS      string // default "/"
	Arch        string // default the host's
	QEMUCommand string // the QEMU binary
	Command     string
	VM          VM
	Line        int // where the target starts in its file; 0 from the command line
}

// VM is the [target.vm] table.
type VM struct {
	NumCPUs   int // 0: the default (see Target.Spec)
	MemoryMB  int // written "4G", "512M" or a number of MiB; 0: the default
	Mounts    []Mount
	BIOS      string
	ExtraArgs []string
}

// Mount shares a host directory with the guest (read-only unless Writable).
type Mount struct {
	GuestPath string
	HostPath  string
	Writable  bool
}

// NewTarget returns a target with vmtest's default root file system, the
// host's.
func NewTarget() Target { return Target{RootFS: "/"} }

// Config is a parsed vmtest.toml.
type Config struct {
	Path    string
	Targets []Target
}

// Load reads and checks a vmtest.toml; relative paths in it are taken from
// its directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration: %w (give another one with -c, or a kernel with -k or an image with -i)", err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	cfg, err := Parse(string(data), dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cfg.Path = path
	return cfg, nil
}

// Parse reads a vmtest.toml's text; dir is where relative paths start.
func Parse(src, dir string) (*Config, error) {
	root, err := parseTOML(src)
	if err != nil {
		return nil, err
	}
	d := decoder{dir: dir}
	if err := d.only(root, "", "target"); err != nil {
		return nil, err
	}
	targets, ok := root.Fields["target"]
	if !ok {
		return nil, fmt.Errorf("no [[target]] in the file")
	}
	if targets.Kind != Array {
		return nil, fmt.Errorf("line %d: target must be an array of tables, written [[target]]", targets.Line)
	}
	cfg := &Config{}
	names := map[string]int{}
	for _, t := range targets.Items {
		if t.Kind != Table {
			return nil, fmt.Errorf("line %d: each target must be a table, written [[target]]", t.Line)
		}
		target, err := d.target(t)
		if err != nil {
			return nil, err
		}
		if line, dup := names[target.Name]; dup {
			return nil, fmt.Errorf("line %d: target %q is defined twice (first on line %d)", t.Line, target.Name, line)
		}
		names[target.Name] = t.Line
		cfg.Targets = append(cfg.Targets, target)
	}
	return cfg, nil
}

type decoder struct{ dir string }

// only fails on the first field of t not in allowed, naming it and its line.
func (d decoder) only(t *Value, where string, allowed ...string) error {
	for _, k := range t.Keys {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			name := k
			if where != "" {
				name = where + "." + k
			}
			sort.Strings(allowed)
			return fmt.Errorf("line %d: unknown field %s (known: %s)", t.Fields[k].Line, name, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func (d decoder) target(t *Value) (Target, error) {
	err := d.only(t, "target", "name", "kernel", "kernel_args", "image", "uefi", "rootfs", "arch", "qemu_command", "command", "vm")
	if err != nil {
		return Target{}, err
	}
	x := NewTarget()
	x.Line = t.Line
	for _, f := range []struct {
		key  string
		dst  *string
		path bool
	}{
		{"name", &x.Name, false}, {"kernel", &x.Kernel, true}, {"kernel_args", &x.KernelArgs, false},
		{"image", &x.Image, true}, {"rootfs", &x.RootFS, true}, {"arch", &x.Arch, false},
		{"qemu_command", &x.QEMUCommand, false}, {"command", &x.Command, false},
	} {
		if err := d.str(t, "target", f.key, f.dst, f.path); err != nil {
			return Target{}, err
		}
	}
	if err := d.boolean(t, "target", "uefi", &x.UEFI); err != nil {
		return Target{}, err
	}
	switch {
	case x.Name == "":
		return Target{}, fmt.Errorf("line %d: the target has no name", t.Line)
	case x.Command == "":
		return Target{}, fmt.Errorf("line %d: target %s has no command", t.Line, x.Name)
	case (x.Kernel == "") == (x.Image == ""):
		return Target{}, fmt.Errorf("line %d: target %s needs exactly one of kernel and image", t.Line, x.Name)
	}
	vm, ok := t.Fields["vm"]
	if !ok {
		return x, nil
	}
	if vm.Kind != Table {
		return Target{}, fmt.Errorf("line %d: target.vm must be a table, not %s", vm.Line, vm.Kind)
	}
	x.VM, err = d.vm(vm)
	return x, err
}

func (d decoder) vm(t *Value) (VM, error) {
	if err := d.only(t, "target.vm", "num_cpus", "memory", "mounts", "bios", "extra_args"); err != nil {
		return VM{}, err
	}
	var vm VM
	if v, ok := t.Fields["num_cpus"]; ok {
		if v.Kind != Integer || v.Int < 1 || v.Int > 255 {
			return VM{}, fmt.Errorf("line %d: target.vm.num_cpus must be an integer from 1 to 255", v.Line)
		}
		vm.NumCPUs = int(v.Int)
	}
	if v, ok := t.Fields["memory"]; ok {
		switch {
		case v.Kind == Integer && v.Int > 0 && v.Int < 1<<24:
			vm.MemoryMB = int(v.Int)
		case v.Kind == String && memoryMB(v.Str) > 0:
			vm.MemoryMB = memoryMB(v.Str)
		default:
			return VM{}, fmt.Errorf(`line %d: target.vm.memory must be a size such as "4G" or "512M"`, v.Line)
		}
	}
	if err := d.str(t, "target.vm", "bios", &vm.BIOS, true); err != nil {
		return VM{}, err
	}
	if v, ok := t.Fields["extra_args"]; ok {
		if v.Kind != Array {
			return VM{}, fmt.Errorf("line %d: target.vm.extra_args must be an array of strings", v.Line)
		}
		for _, a := range v.Items {
			if a.Kind != String {
				return VM{}, fmt.Errorf("line %d: target.vm.extra_args must be an array of strings, not of %s", a.Line, a.Kind)
			}
			vm.ExtraArgs = append(vm.ExtraArgs, a.Str)
		}
	}
	mounts, ok := t.Fields["mounts"]
	if !ok {
		return vm, nil
	}
	if mounts.Kind != Table {
		return VM{}, fmt.Errorf(`line %d: target.vm.mounts must be a table of guest paths, such as "/mnt/data" = { host_path = "data", writable = true }`, mounts.Line)
	}
	for _, guest := range mounts.Keys {
		m := mounts.Fields[guest]
		if m.Kind != Table {
			return VM{}, fmt.Errorf("line %d: mount %s must be a table with host_path and writable", m.Line, guest)
		}
		if err := d.only(m, "target.vm.mounts."+strconv.Quote(guest), "host_path", "writable"); err != nil {
			return VM{}, err
		}
		mount := Mount{GuestPath: guest}
		if err := d.str(m, "mount "+guest, "host_path", &mount.HostPath, true); err != nil {
			return VM{}, err
		}
		if mount.HostPath == "" {
			return VM{}, fmt.Errorf("line %d: mount %s has no host_path", m.Line, guest)
		}
		if err := d.boolean(m, "mount "+guest, "writable", &mount.Writable); err != nil {
			return VM{}, err
		}
		if !strings.HasPrefix(guest, "/") {
			return VM{}, fmt.Errorf("line %d: mount %s: the guest path must be absolute", m.Line, guest)
		}
		vm.Mounts = append(vm.Mounts, mount)
	}
	return vm, nil
}

// memoryMB reads a size as vmtest (and QEMU's -m) writes it: a number with
// an optional M, G or T suffix, MiB without one; 0 if it is not one.
func memoryMB(s string) int {
	unit := map[string]int{"": 1, "M": 1, "G": 1024, "T": 1024 * 1024}
	n := strings.TrimRight(strings.ToUpper(s), "MGT")
	mult, ok := unit[strings.ToUpper(s[len(n):])]
	v, err := strconv.Atoi(n)
	if !ok || err != nil || v <= 0 || v > (1<<24)/mult {
		return 0
	}
	return v * mult
}

// str reads an optional string field; a path is made absolute from the
// file's directory.
func (d decoder) str(t *Value, where, key string, dst *string, path bool) error {
	v, ok := t.Fields[key]
	if !ok {
		return nil
	}
	if v.Kind != String {
		return fmt.Errorf("line %d: %s.%s must be a string, not %s", v.Line, where, key, v.Kind)
	}
	*dst = v.Str
	if path && v.Str != "" && !filepath.IsAbs(v.Str) {
		*dst = filepath.Join(d.dir, v.Str)
	}
	return nil
}

func (d decoder) boolean(t *Value, where, key string, dst *bool) error {
	v, ok := t.Fields[key]
	if !ok {
		return nil
	}
	if v.Kind != Boolean {
		return fmt.Errorf("line %d: %s.%s must be true or false, not %s", v.Line, where, key, v.Kind)
	}
	*dst = v.Bool
	return nil
}
