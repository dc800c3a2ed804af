// Package imageguest builds vmt's test disk image: a partitioned raw disk
// that boots both by BIOS (SeaBIOS: syslinux's MBR and syslinux on the
// boot partition) and by UEFI (OVMF: systemd-boot as EFI/BOOT/BOOTX64.EFI
// on the same FAT partition, MBR type 0xEF), into a Debian bookworm root
// filesystem that runs systemd and qemu-guest-agent. It is an image
// target as vmtest users have them: vmt passes it no kernel, no command
// line, nothing but the disk.
//
// Nothing is mounted: mmdebstrap writes the root filesystem to a
// directory, mke2fs -d turns it into an ext4 image, mkfs.fat and mtools
// make the boot partition, sfdisk partitions a plain file and dd places
// the partitions. The kernel is Debian's (guest.DebianKernel) with the
// systemd guest's small initramfs. Results are cached under
// guest.CacheDir()/image by a hash of their inputs.
package imageguest

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/vmt-dev/vmt/qemu/debroot"
	"github.com/vmt-dev/vmt/qemu/guest"
	"github.com/vmt-dev/vmt/qemu/systemdguest"
)

// builderVersion changes whenever the way the image is built changes in a
// way its other inputs do not show; it is part of the cache keys.
const builderVersion = "imageguest-1"

// Sizes of the partitions in MiB. The root filesystem is sparse and uses
// about a quarter of its partition; the rest is room for tests.
const (
	bootMiB = 64
	rootMiB = 768
)

// Variant selects what the image offers the host.
type Variant int

const (
	// Agent: qemu-guest-agent on the org.qemu.guest_agent.0 port, as a
	// cloud image or a vmtest image has it.
	Agent Variant = iota
	// Backdoor: the NixOS-style backdoor.service on hvc0 instead (the
	// agent is masked from the kernel command line).
	Backdoor
)

func (v Variant) String() string {
	if v == Backdoor {
		return "backdoor"
	}
	return "agent"
}

// cmdline is the kernel command line of the image's boot entries.
func (v Variant) cmdline() string {
	c := "root=/dev/vda2 rootfstype=ext4 console=ttyS0 panic=-1 systemd.show_status=auto"
	if v == Backdoor {
		c += " vmt.backdoor systemd.mask=qemu-guest-agent.service"
	}
	return c
}

// Tools the disk's build needs, checked before anything is built.
var tools = []debroot.Tool{
	{Name: "mmdebstrap", Package: "mmdebstrap"},
	{Name: "mke2fs", Package: "e2fsprogs"},
	{Name: "mkfs.fat", Package: "dosfstools"},
	{Name: "mcopy", Package: "mtools"},
	{Name: "mmd", Package: "mtools"},
	{Name: "syslinux", Package: "syslinux"},
	{Name: "sfdisk", Package: "fdisk"},
}

// Files the build takes from the host, with their Debian packages.
var (
	mbrFile  = "/usr/lib/syslinux/mbr/mbr.bin"                 // syslinux-common
	bootEFI  = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi" // systemd-boot-efi
	hostFile = map[string]string{mbrFile: "syslinux-common", bootEFI: "systemd-boot-efi"}
)

// Build returns the path of the raw disk image of variant v, building and
// caching it on first use (a minute or two: mmdebstrap downloads packages
// from the Debian mirror apt is configured with). It needs root the first
// time. The image is read-only for its users: boot it through an overlay
// (qemu.Spec.DiskImage makes one per machine).
func Build(v Variant) (string, error) {
	if err := checkTools(); err != nil {
		return "", err
	}
	in, err := buildInputs()
	if err != nil {
		return "", err
	}
	k, initrd, root := in.kernel, in.initrd, in.root
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d %d\n%s\n", builderVersion, v.cmdline(), bootMiB, rootMiB, root)
	for _, p := range []string{k.Image, initrd, mbrFile, bootEFI} {
		fi, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
	}
	key := hex.EncodeToString(h.Sum(nil))[:24]
	path, err := guest.Cached("image", "disk-"+v.String()+"-"+key+".img", func(path string) error {
		return buildDisk(filepath.Dir(path), path, k.Image, initrd, root, v)
	})
	if err != nil {
		return "", fmt.Errorf("building the %s test disk image: %w", v, err)
	}
	return path, nil
}

// inputs are what every variant is made of, found (or built) once per
// process: asking apt and hashing the kernel's modules costs seconds.
type inputs struct {
	kernel guest.Kernel
	initrd string
	root   string
}

var (
	inputsMu   sync.Mutex
	inputsMemo *inputs
)

func buildInputs() (inputs, error) {
	inputsMu.Lock()
	defer inputsMu.Unlock()
	if inputsMemo != nil {
		return *inputsMemo, nil
	}
	k, err := guest.DebianKernel(systemdguest.KernelPackage)
	if err != nil {
		return inputs{}, err
	}
	initrd, err := systemdguest.Initramfs(k)
	if err != nil {
		return inputs{}, err
	}
	root, err := root.Image()
	if err != nil {
		return inputs{}, err
	}
	inputsMemo = &inputs{k, initrd, root}
	return *inputsMemo, nil
}

func checkTools() error {
	if err := debroot.CheckTools(tools); err != nil {
		return err
	}
	for f, pkg := range hostFile {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%s not found: install %s (apt-get install %s, or scripts/install-deps)", f, pkg, pkg)
		}
	}
	return nil
}

// buildDisk writes the partitioned disk: the MBR with syslinux's boot
// code and two partitions, 1 the FAT boot partition (type EF, active),
// 2 the ext4 root filesystem.
func buildDisk(dir, path, kernel, initrd, root string, v Variant) error {
	tmp, err := os.MkdirTemp(dir, "build.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	boot := filepath.Join(tmp, "boot.fat")
	if err := bootPartition(tmp, boot, kernel, initrd, v.cmdline()); err != nil {
		return err
	}
	disk := filepath.Join(tmp, "disk.img")
	const start = 1 // MiB before the first partition
	total := int64(start+bootMiB+rootMiB+1) << 20
	f, err := os.Create(disk)
	if err != nil {
		return err
	}
	if err := f.Truncate(total); err != nil {
		f.Close()
		return err
	}
	f.Close()
	layout := fmt.Sprintf("label: dos\nunit: sectors\n\n%d %d ef *\n%d %d 83\n",
		start<<11, bootMiB<<11, (start+bootMiB)<<11, rootMiB<<11)
	cmd := exec.Command("sfdisk", "--no-reread", "--no-tell-kernel", "-q", disk)
	cmd.Stdin = strings.NewReader(layout)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("sfdisk: %v: %s", err, strings.TrimSpace(string(out)))
	}
	// The boot code goes in the first 440 bytes; the partition table after
	// them stays.
	if err := place(disk, mbrFile, 0, 440); err != nil {
		return err
	}
	if err := place(disk, boot, start<<20, -1); err != nil {
		return err
	}
	if err := place(disk, root, (start+bootMiB)<<20, -1); err != nil {
		return err
	}
	if err := os.Chmod(disk, 0o644); err != nil {
		return err
	}
	return os.Rename(disk, path)
}

// bootPartition makes the FAT filesystem both firmwares boot from: the
// kernel and initramfs, syslinux (its boot sector and ldlinux.sys) with
// syslinux.cfg for BIOS, systemd-boot as the removable-media loader with
// one loader entry for UEFI. Both boot at once, without a menu.
func bootPartition(tmp, img, kernel, initrd, cmdline string) error {
	if err := debroot.Run("mkfs.fat", "-C", "-n", "VMTBOOT", img, fmt.Sprint(bootMiB<<10)); err != nil {
		return err
	}
	if err := debroot.Run("syslinux", "--install", img); err != nil {
		return err
	}
	files := map[string]string{
		"syslinux.cfg": "DEFAULT vmt\nPROMPT 0\nTIMEOUT 0\nLABEL vmt\n  LINUX /vmlinuz\n  INITRD /initrd.img\n  APPEND " + cmdline + "\n",
		"loader.conf":  "default vmt.conf\ntimeout 0\nconsole-mode keep\nrandom-seed-mode off\n",
		"vmt.conf":     "title vmt test image\nlinux /vmlinuz\ninitrd /initrd.img\noptions " + cmdline + "\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	if err := debroot.Run("mmd", "-i", img, "::/EFI", "::/EFI/BOOT", "::/loader", "::/loader/entries"); err != nil {
		return err
	}
	for _, c := range [][2]string{
		{kernel, "::/vmlinuz"},
		{initrd, "::/initrd.img"},
		{filepath.Join(tmp, "syslinux.cfg"), "::/syslinux.cfg"},
		{bootEFI, "::/EFI/BOOT/BOOTX64.EFI"},
		{filepath.Join(tmp, "loader.conf"), "::/loader/loader.conf"},
		{filepath.Join(tmp, "vmt.conf"), "::/loader/entries/vmt.conf"},
	} {
		if err := debroot.Run("mcopy", "-i", img, c[0], c[1]); err != nil {
			return err
		}
	}
	return nil
}

// place copies size bytes of src (all of it if size < 0) into dst at
// offset, leaving the rest of dst as it is and its holes unwritten where
// src has runs of zeros (dd conv=notrunc,sparse).
func place(dst, src string, offset int64, size int64) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	var r io.Reader = in
	if size >= 0 {
		r = io.LimitReader(in, size)
	}
	buf := make([]byte, 1<<20)
	zero := make([]byte, 64<<10)
	pos := offset
	for {
		n, rerr := io.ReadFull(r, buf)
		for i := 0; i < n; i += len(zero) {
			end := min(i+len(zero), n)
			if !bytes.Equal(buf[i:end], zero[:end-i]) {
				if _, err := out.WriteAt(buf[i:end], pos+int64(i)); err != nil {
					out.Close()
					return err
				}
			}
		}
		pos += int64(n)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			out.Close()
			return rerr
		}
	}
	return out.Close()
}

// tree holds the files written into the root filesystem;
// tree/usr/local/lib/vmt/setup runs inside it once and is removed.
//
//go:embed tree
var tree embed.FS

// root is the image's root filesystem: Debian bookworm with systemd and
// qemu-guest-agent, in a 768 MiB sparse ext4 image (the files use about
// a quarter of it, the rest is room for tests).
var root = debroot.Root{
	What:     "the test image's root filesystem",
	Version:  builderVersion,
	CacheDir: "image",
	Suite:    "bookworm",
	Packages: []string{"systemd-sysv", "udev", "qemu-guest-agent"},
	Tree:     tree,
	Label:    "vmtroot",
	Size:     fmt.Sprintf("%dM", rootMiB),
}
