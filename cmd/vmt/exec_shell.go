package main

import (
	"context"
	"io"
	"os"
	"syscall"
	"unsafe"

	"github.com/vmt-dev/vmt/vmtest"
)

// interactive runs "-": a shell in the target's guest on the caller's
// terminal, put in raw mode so that keys (^C included) go to the guest.
func interactive(ctx context.Context, t vmtest.Target, opts vmtest.Options, stdin io.Reader) error {
	f, ok := stdin.(*os.File)
	if !ok {
		return &exitError{exitUsage, errNoTerminal}
	}
	in := int(f.Fd())
	saved, err := getTermios(in)
	if err != nil {
		return &exitError{exitUsage, errNoTerminal}
	}
	term := vmtest.Terminal{In: f, Out: opts.Stdout, Rows: 24, Cols: 80}
	var ws struct{ rows, cols, x, y uint16 }
	if ioctl(in, syscall.TIOCGWINSZ, unsafe.Pointer(&ws)) == nil && ws.rows > 0 {
		term.Rows, term.Cols = int(ws.rows), int(ws.cols)
	}
	raw := *saved
	raw.Iflag &^= syscall.IGNBRK | syscall.BRKINT | syscall.PARMRK | syscall.ISTRIP | syscall.INLCR | syscall.IGNCR | syscall.ICRNL | syscall.IXON
	raw.Oflag &^= syscall.OPOST
	raw.Lflag &^= syscall.ECHO | syscall.ECHONL | syscall.ICANON | syscall.ISIG | syscall.IEXTEN
	raw.Cflag &^= syscall.CSIZE | syscall.PARENB
	raw.Cflag |= syscall.CS8
	raw.Cc[syscall.VMIN], raw.Cc[syscall.VTIME] = 1, 0
	// The boot happens in cooked mode (^C stops it); the shell's session raw.
	status, err := vmtest.Shell(ctx, t, opts, term, func() { setTermios(in, &raw) })
	setTermios(in, saved)
	if err != nil {
		return &exitError{exitNoBoot, err}
	}
	if status != 0 {
		return &exitError{code: status}
	}
	return nil
}

func getTermios(fd int) (*syscall.Termios, error) {
	var t syscall.Termios
	if err := ioctl(fd, syscall.TCGETS, unsafe.Pointer(&t)); err != nil {
		return nil, err
	}
	return &t, nil
}

func setTermios(fd int, t *syscall.Termios) error {
	return ioctl(fd, syscall.TCSETS, unsafe.Pointer(t))
}

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}
