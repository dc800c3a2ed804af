// Package systemdguest builds a Debian bookworm guest that runs systemd and
// honours the NixOS test contract: a root filesystem made from Debian
// packages with mmdebstrap (backdoor.service on hvc0, the xchg and shared
// 9p mounts, a getty on tty1, a lingering user with a user unit, a service
// on TCP port 80 and one that fails on purpose), written to an ext4 image
// with mke2fs -d, and booted with a Debian kernel and a small initramfs
// that loads the virtio, ext4 and 9p modules, mounts /dev/vda and hands
// over to systemd. Results are cached under guest.CacheDir() by a hash of
// their inputs.
package systemdguest
