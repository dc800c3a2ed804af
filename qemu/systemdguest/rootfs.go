package systemdguest

import (
	"embed"

	"github.com/vmt-dev/vmt/qemu/debroot"
)

// builderVersion changes whenever the way the guest is built changes in a
// way its other inputs do not show; it is part of the cache keys.
const builderVersion = "systemdguest-1"

// tree holds the files written into the root filesystem;
// tree/usr/local/lib/vmt/setup runs inside it once and is removed.
//
//go:embed tree
var tree embed.FS

// root is the guest's root filesystem: Debian bookworm with systemd, and
// the 1 GiB image sparse (the files use about a fifth of it, the rest is
// room for tests).
var root = debroot.Root{
	What:     "the systemd guest's root filesystem",
	Version:  builderVersion,
	CacheDir: "systemd",
	Suite:    "bookworm",
	Packages: []string{
		"systemd-sysv", "udev", "dbus", "dbus-user-session", "libpam-systemd",
		"iproute2", "netcat-openbsd", "busybox", "procps",
	},
	Tree:  tree,
	Label: "nixos",
	Size:  "1G",
}

// RootImage returns the path of the raw ext4 root filesystem image,
// building it on first use.
func RootImage() (string, error) { return root.Image() }
