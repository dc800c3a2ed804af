package initramfs

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Module is a loadable kernel module file.
type Module struct {
	Name string // canonical name: file base without ".ko", '-' written '_'
	Path string // absolute path of the .ko file
}

// ModuleTree is a kernel's module directory (/lib/modules/VERSION).
type ModuleTree struct {
	Dir     string
	builtin map[string]bool
	// deps maps a module name to its direct dependencies; paths maps it to its file.
	deps  map[string][]string
	paths map[string]string
}

// OpenModuleTree indexes dir. It reads modules.dep when present (an installed
// kernel) and otherwise the "depends=" field of each module's .modinfo
// section (a kernel package extracted with dpkg -x has no modules.dep).
func OpenModuleTree(dir string) (*ModuleTree, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("kernel module directory %s not found: install the kernel's modules or point VMT_KERNEL at a kernel whose modules exist", dir)
	}
	t := &ModuleTree{Dir: dir, builtin: map[string]bool{}, deps: map[string][]string{}, paths: map[string]string{}}
	if data, err := os.ReadFile(filepath.Join(dir, "modules.builtin")); err == nil {
		for _, line := range strings.Fields(string(data)) {
			t.builtin[moduleName(line)] = true
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "modules.dep")); err == nil {
		return t, t.readModulesDep(data)
	}
	return t, t.readModinfo()
}

// moduleName turns a module path into the name modprobe uses.
func moduleName(p string) string {
	base := filepath.Base(p)
	if i := strings.Index(base, ".ko"); i >= 0 {
		base = base[:i]
	}
	return strings.ReplaceAll(base, "-", "_")
}

func (t *ModuleTree) readModulesDep(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		mod, deps, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		name := moduleName(mod)
		t.paths[name] = filepath.Join(t.Dir, mod)
		for _, d := range strings.Fields(deps) {
			t.deps[name] = append(t.deps[name], moduleName(d))
		}
	}
	return sc.Err()
}

func (t *ModuleTree) readModinfo() error {
	return filepath.WalkDir(filepath.Join(t.Dir, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".ko") {
			return err
		}
		name := moduleName(p)
		t.paths[name] = p
		deps, err := modinfoDepends(p)
		if err != nil {
			return fmt.Errorf("reading module %s: %w", p, err)
		}
		t.deps[name] = deps
		return nil
	})
}

// modinfoDepends reads the comma-separated "depends=" entry of a module.
func modinfoDepends(path string) ([]string, error) {
	data, err := ReadModule(path)
	if err != nil {
		return nil, err
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, nil
	}
	info, err := sec.Data()
	if err != nil {
		return nil, err
	}
	for _, field := range bytes.Split(info, []byte{0}) {
		if v, ok := bytes.CutPrefix(field, []byte("depends=")); ok {
			var deps []string
			for _, d := range strings.Split(string(v), ",") {
				if d != "" {
					deps = append(deps, moduleName(d))
				}
			}
			return deps, nil
		}
	}
	return nil, nil
}

// Resolve returns the modules needed to load names, dependencies first,
// each once. Modules built into the kernel are skipped. Optional names that
// the tree lacks are skipped too; a missing required one is an error.
func (t *ModuleTree) Resolve(required, optional []string) ([]Module, error) {
	var order []Module
	seen := map[string]bool{}
	var visit func(name string, chain []string) error
	visit = func(name string, chain []string) error {
		name = moduleName(name)
		if seen[name] || t.builtin[name] {
			return nil
		}
		seen[name] = true
		p, ok := t.paths[name]
		if !ok {
			return fmt.Errorf("kernel module %s (needed by %s) is not in %s", name, strings.Join(append(chain, name), " -> "), t.Dir)
		}
		for _, d := range t.deps[name] {
			if err := visit(d, append(chain, name)); err != nil {
				return err
			}
		}
		order = append(order, Module{Name: name, Path: p})
		return nil
	}
	for _, name := range required {
		if err := visit(name, nil); err != nil {
			return nil, err
		}
	}
	for _, name := range optional {
		n := moduleName(name)
		if _, ok := t.paths[n]; ok || t.builtin[n] {
			if err := visit(n, nil); err != nil {
				return nil, err
			}
		}
	}
	return order, nil
}

// AddModules puts mods into the archive as lib/modules/NAME.ko, each
// uncompressed, and lists their names in load order in etc/modules.
func (a *Archive) AddModules(mods []Module) error {
	var order bytes.Buffer
	for _, m := range mods {
		data, err := ReadModule(m.Path)
		if err != nil {
			return err
		}
		a.AddFile("lib/modules/"+m.Name+".ko", 0o644, data)
		fmt.Fprintln(&order, m.Name)
	}
	a.AddFile("etc/modules", 0o644, order.Bytes())
	return nil
}
