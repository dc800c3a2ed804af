package vmtest

import (
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	cfg, err := Parse(`
[[target]]
name = "host kernel"
kernel = "/boot/vmlinuz"
kernel_args = "quiet"
command = "true"

[[target]]
name = "arm"
kernel = "arm/Image"
rootfs = "arm/root"
arch = "aarch64"
qemu_command = "qemu-system-aarch64"
command = "uname -m"
[target.vm]
num_cpus = 1
memory = "2G"
extra_args = ["-no-user-config"]
bios = "fw.bin"
mounts = { "/mnt/data" = { host_path = "data", writable = true }, "/mnt/ro" = { host_path = "/srv" } }

[[target]]
name = "image"
image = "disk.qcow2"
uefi = true
command = "true"
vm = { memory = 512 }
`, "/proj")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Targets) != 3 {
		t.Fatalf("%d targets", len(cfg.Targets))
	}
	host, arm, img := cfg.Targets[0], cfg.Targets[1], cfg.Targets[2]
	if host.Name != "host kernel" || host.RootFS != "/" || host.KernelArgs != "quiet" || host.Line != 2 {
		t.Errorf("host target: %+v", host)
	}
	if arm.Kernel != "/proj/arm/Image" || arm.RootFS != "/proj/arm/root" || arm.Arch != "aarch64" || arm.VM.NumCPUs != 1 || arm.VM.MemoryMB != 2048 || arm.VM.BIOS != "/proj/fw.bin" {
		t.Errorf("arm target: %+v", arm)
	}
	want := []Mount{{"/mnt/data", "/proj/data", true}, {"/mnt/ro", "/srv", false}}
	if len(arm.VM.Mounts) != 2 || arm.VM.Mounts[0] != want[0] || arm.VM.Mounts[1] != want[1] {
		t.Errorf("mounts: %+v, want %+v", arm.VM.Mounts, want)
	}
	if img.Image != "/proj/disk.qcow2" || !img.UEFI || img.VM.MemoryMB != 512 || img.VM.NumCPUs != 0 {
		t.Errorf("image target: %+v", img)
	}
}

func TestConfigErrors(t *testing.T) {
	target := "[[target]]\nname = \"a\"\nkernel = \"k\"\ncommand = \"true\"\n"
	for _, c := range []struct{ src, want string }{
		{target + "kernal = \"x\"\n", "line 5: unknown field target.kernal (known: arch, command, image, kernel, kernel_args, name, qemu_command, rootfs, uefi, vm)"},
		{target + "[target.vm]\ncpus = 2\n", "line 6: unknown field target.vm.cpus"},
		{target + "vm = { mounts = { \"/m\" = { host_path = \"h\", rw = true } } }\n", `line 5: unknown field target.vm.mounts."/m".rw`},
		{"[[targets]]\n", "line 1: unknown field targets (known: target)"},
		{"", "no [[target]]"},
		{"[[target]]\nname = \"a\"\ncommand = \"true\"\n", "line 1: target a needs exactly one of kernel and image"},
		{"[[target]]\nkernel = \"k\"\ncommand = \"true\"\n", "line 1: the target has no name"},
		{"[[target]]\nname = \"a\"\nkernel = \"k\"\n", "line 1: target a has no command"},
		{target + target, "line 5: target \"a\" is defined twice (first on line 1)"},
		{target + "uefi = \"yes\"\n", "line 5: target.uefi must be true or false, not a string"},
		{target + "name2 = 1\n", "unknown field target.name2"},
		{target + "vm = { memory = \"lots\" }\n", "line 5: target.vm.memory must be a size"},
		{target + "vm = { num_cpus = 0 }\n", "line 5: target.vm.num_cpus must be an integer from 1 to 255"},
		{target + "vm = { mounts = { \"rel\" = { host_path = \"h\" } } }\n", "the guest path must be absolute"},
		{target + "command2 = [\n", "line 5: the array is not closed"},
	} {
		_, err := Parse(c.src, "/")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\nerror %v\nwant  %q", c.src, err, c.want)
		}
	}
}

func TestMemoryMB(t *testing.T) {
	for in, want := range map[string]int{"4G": 4096, "512M": 512, "512": 512, "1g": 1024, "1T": 1 << 20, "0": 0, "G": 0, "4GG": 0, "-1G": 0, "4K": 0} {
		if got := memoryMB(in); got != want {
			t.Errorf("memoryMB(%q) = %d, want %d", in, got, want)
		}
	}
}
