// Package guest assembles the small Linux guest vmt boots when a test gives
// no image of its own: a kernel (a Debian kernel package unpacked with
// dpkg -x, or the host's) and an initramfs generated in Go around a static
// busybox, the kernel modules the guest needs and an init that starts the
// backdoor root shell on hvc0. Results are cached by their inputs.
package guest
