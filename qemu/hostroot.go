package qemu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vmt-dev/vmt/qemu/guest"
)

// rootTag is the 9p tag of a host root (Spec.RootFS).
const rootTag = "vmtroot"

// hostRootImage returns the kernel and initramfs of a machine with a host
// root: the spec's kernel, or the host's, with vmt's initramfs for it
// unless the spec brings its own. That initramfs mounts the root and runs
// the backdoor shell inside it.
func (s Spec) hostRootImage() (kernel, initrd string, err error) {
	if s.Initrd != "" {
		return s.Kernel, s.Initrd, nil
	}
	var k guest.Kernel
	switch {
	case s.Kernel != "":
		k, err = guest.KernelAt(s.Kernel)
	case s.Arch != "" && s.Arch != guest.HostArch():
		return "", "", fmt.Errorf("machine %s: a %s guest needs a kernel of that architecture (for example Debian's linux-image-arm64)", s.Name, s.Arch)
	default:
		k, err = guest.HostKernel()
	}
	if err != nil {
		return "", "", fmt.Errorf("machine %s: %w", s.Name, err)
	}
	arch := s.Arch
	if arch == "" {
		arch = guest.HostArch()
	}
	img, err := guest.BuildFor(k, arch)
	if err != nil {
		return "", "", fmt.Errorf("machine %s: %w", s.Name, err)
	}
	return img.Kernel, img.Initramfs, nil
}

// hostRootArgs shares the root directory read-only and names it on the
// kernel command line. multidevs=remap keeps inode numbers unique when the
// root spans several host file systems (/, /boot, /home, ...).
func (s Spec) hostRootArgs() (args, params []string, err error) {
	root, err := filepath.Abs(s.RootFS)
	if err != nil {
		return nil, nil, err
	}
	fi, err := os.Stat(root)
	switch {
	case os.IsNotExist(err):
		return nil, nil, fmt.Errorf("machine %s: root file system %s does not exist (give a directory; / is the host's own)", s.Name, s.RootFS)
	case err != nil:
		return nil, nil, fmt.Errorf("machine %s: root file system %s: %w", s.Name, s.RootFS, err)
	case !fi.IsDir():
		return nil, nil, fmt.Errorf("machine %s: root file system %s is not a directory", s.Name, s.RootFS)
	case strings.Contains(root, ","):
		return nil, nil, fmt.Errorf("machine %s: root file system %s: QEMU cannot share a path containing ','", s.Name, root)
	}
	args = []string{"-virtfs", "local,path=" + root + ",security_model=none,readonly=on,multidevs=remap,mount_tag=" + rootTag}
	return args, []string{"vmt.root=" + rootTag}, nil
}

// HostRootFailure finds the guest's report that it cannot run a host root
// (kernel without 9p, no /bin/sh, ...) in a console log, and returns it.
func HostRootFailure(consoleLog string) string {
	const mark = "vmt-guest: fatal: "
	i := strings.LastIndex(consoleLog, mark)
	if i < 0 {
		return ""
	}
	line, _, _ := strings.Cut(consoleLog[i+len(mark):], "\n")
	return strings.TrimSpace(line)
}
