// Package initramfs writes Linux initramfs images (newc cpio, gzip
// compressed) and resolves the kernel modules a guest needs, with their
// dependency closure, from a kernel's module tree.
package initramfs
