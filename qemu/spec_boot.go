package qemu

import (
	"fmt"
	"path/filepath"
)

// boot adds what the machine boots: a host root over 9p, a disk image, or
// a kernel (the default guest's, on x86 its uncompressed vmlinux), and the
// firmware a disk image or the spec asks for (qboot comes last: Config).
func (s Spec) boot(c *cmdline, cfg *Config, arch archSetup, log Logger) error {
	directBoot := arch.directBoot(s)
	switch {
	case s.RootFS != "" && s.DiskImage != "":
		return fmt.Errorf("machine %s: give a root file system or a disk image, not both", s.Name)
	case s.RootFS != "":
		kernel, initrd, err := s.hostRootImage()
		if err != nil {
			return err
		}
		if directBoot && s.Kernel == "" {
			kernel = fastKernel(s.Name, kernel, log)
		}
		rootArgs, rootParams, err := s.hostRootArgs()
		if err != nil {
			return err
		}
		c.add("-kernel", kernel, "-initrd", initrd)
		c.add(rootArgs...)
		c.param(rootParams...)
	case s.DiskImage != "":
		overlay := filepath.Join(cfg.stateDir(), "root.qcow2")
		cfg.Disks = append(cfg.Disks, Disk{Path: overlay, Backing: s.DiskImage})
		c.add("-drive", "file="+overlay+",if=virtio,format=qcow2")
		if err := s.imageTarget(cfg); err != nil {
			return err
		}
	default:
		kernel, initrd := s.Kernel, s.Initrd
		if kernel == "" {
			img, err := DefaultImage()
			if err != nil {
				return fmt.Errorf("machine %s: %w", s.Name, err)
			}
			kernel, initrd = img.Kernel, img.Initramfs
			if directBoot {
				kernel = fastKernel(s.Name, kernel, log)
			}
		}
		c.add("-kernel", kernel)
		if initrd != "" {
			c.add("-initrd", initrd)
		}
	}
	fwArgs, fwDisks, err := firmwareArgs(s.Name, s.UEFI, s.BIOS, cfg.stateDir())
	if err != nil {
		return err
	}
	c.add(fwArgs...)
	cfg.Disks = append(cfg.Disks, fwDisks...)
	return nil
}

// kernelBoot reports whether QEMU loads the machine's kernel itself,
// without firmware that boots from a disk or the network.
func (s Spec) kernelBoot() bool {
	return s.DiskImage == "" && !s.UEFI && s.BIOS == ""
}
