package runtime

import (
	"encoding/base64"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"
)

// guestSharedDir is where guests mount the shared directory.
const guestSharedDir = "/tmp/shared"

// sharedTemp makes a fresh directory in the machine's shared directory and
// returns its host path and its path in the guest.
func (m *Machine) sharedTemp() (host, guest string, err error) {
	dirs, err := role[HostDirs](m)
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(dirs.SharedDir(), 0o700); err != nil {
		return "", "", fmt.Errorf("%s: shared directory: %w", m.name, err)
	}
	host, err = os.MkdirTemp(dirs.SharedDir(), "copy-")
	if err != nil {
		return "", "", fmt.Errorf("%s: shared directory: %w", m.name, err)
	}
	return host, path.Join(guestSharedDir, filepath.Base(host)), nil
}

func machineCopyFromHost(m *Machine, c *call) (starlark.Value, error) {
	source, target := c.args.str("source"), c.args.str("target")
	return starlark.None, m.step(fmt.Sprintf("copying %s from the host to %s", source, target), func() error {
		abs := filepath.Clean(c.d.hostPath(source))
		if _, err := os.Lstat(abs); err != nil {
			return c.d.hostPathError("copy_from_host", source, err)
		}
		from, err := os.OpenRoot(filepath.Dir(abs))
		if err != nil {
			return fmt.Errorf("copy_from_host: %w", err)
		}
		defer from.Close()
		host, guest, err := m.sharedTemp()
		if err != nil {
			return err
		}
		defer os.RemoveAll(host)
		to, err := os.OpenRoot(host)
		if err != nil {
			return err
		}
		defer to.Close()
		name := filepath.Base(abs)
		if err := copyTree(from, name, to, name, true); err != nil {
			return fmt.Errorf("copy_from_host: %s: %w", source, err)
		}
		// "--": a target such as "-n" is a path, not an option.
		_, err = m.mustSucceed(c, fmt.Sprintf("mkdir -p -- %s && cp -r -- %s %s",
			shellQuote(path.Dir(target)), shellQuote(path.Join(guest, name)), shellQuote(target)), 0)
		return err
	})
}

// viaShellChunk is how many bytes of a file go into one guest command.
const viaShellChunk = 48 * 1024

func machineCopyFromHostViaShell(m *Machine, c *call) (starlark.Value, error) {
	source, target := c.args.str("source"), c.args.str("target")
	return starlark.None, m.step(fmt.Sprintf("copying %s from the host to %s through the shell", source, target), func() error {
		abs := c.d.hostPath(source)
		fi, err := os.Stat(abs)
		if err != nil {
			return c.d.hostPathError("copy_from_host_via_shell", source, err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("copy_from_host_via_shell: %s is not a regular file (use copy_from_host for directories)", abs)
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			return fmt.Errorf("copy_from_host_via_shell: %w", err)
		}
		// Redirections take any word as a path; mkdir and chmod get "--".
		quoted := shellQuote(target)
		if _, err := m.mustSucceed(c, fmt.Sprintf("mkdir -p -- %s && : > %s", shellQuote(path.Dir(target)), quoted), 0); err != nil {
			return err
		}
		for start := 0; start < len(data); start += viaShellChunk {
			chunk := base64.StdEncoding.EncodeToString(data[start:min(start+viaShellChunk, len(data))])
			status, out, err := m.run(c, fmt.Sprintf("printf %%s %s | base64 -d >> %s", chunk, quoted), 0)
			if err != nil {
				return err
			}
			if status != 0 {
				command := fmt.Sprintf("printf %%s <%d bytes of base64> | base64 -d >> %s", len(chunk), quoted)
				return &commandError{machine: m.name, command: command, status: status, output: out}
			}
		}
		_, err = m.mustSucceed(c, fmt.Sprintf("chmod %o -- %s", fi.Mode().Perm(), quoted), 0)
		return err
	})
}

func machineCopyFromMachine(m *Machine, c *call) (starlark.Value, error) {
	source, targetDir := c.args.str("source"), c.args.str("target_dir")
	return starlark.None, m.step(fmt.Sprintf("copying %s out of the guest", source), func() error {
		dir := "."
		if targetDir != "" {
			var err error
			if dir, err = c.d.outputName("copy_from_machine: target_dir", targetDir, "logs"); err != nil {
				return err
			}
		}
		name := path.Base(path.Clean(source))
		if name == "/" || name == "." || name == ".." {
			return fmt.Errorf("copy_from_machine: source %q names no file or directory", source)
		}
		out, err := os.OpenRoot(c.d.opts.OutputDir)
		if err != nil {
			return fmt.Errorf("copy_from_machine: output directory: %w", err)
		}
		defer out.Close()
		host, guest, err := m.sharedTemp()
		if err != nil {
			return err
		}
		defer os.RemoveAll(host)
		// -L: the guest resolves its symbolic links, so that they arrive
		// as the files they point to (copyTree refuses links); "--": a
		// source such as "-n" is a path, not an option.
		command := fmt.Sprintf("cp -RL -- %s %s 2>&1", shellQuote(source), shellQuote(path.Join(guest, name)))
		status, output, err := m.run(c, command, 0)
		if err != nil {
			return err
		}
		if status != 0 {
			return fmt.Errorf("copy_from_machine: copying %s in the guest failed (%s): %w", source, lastLine(output),
				&commandError{machine: m.name, command: command, status: status, output: output})
		}
		from, err := os.OpenRoot(host)
		if err != nil {
			return err
		}
		defer from.Close()
		if err := out.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("copy_from_machine: %w", err)
		}
		dst := filepath.Join(dir, name)
		if err := out.RemoveAll(dst); err != nil {
			return fmt.Errorf("copy_from_machine: replacing %s: %w", dst, err)
		}
		if err := copyTree(from, name, out, dst, false); err != nil {
			return fmt.Errorf("copy_from_machine: %w", err)
		}
		return nil
	})
}

// errorLineBytes bounds what an error message quotes of a guest's output.
const errorLineBytes = 300

// lastLine is the last line of a command's output for an error message:
// of a long line, the end, where the reason is.
func lastLine(out []byte) string {
	text := strings.TrimRight(string(out), "\n")
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[i+1:]
	}
	if text == "" {
		return "no message"
	}
	if len(text) > errorLineBytes {
		start := len(text) - errorLineBytes
		for start < len(text) && !utf8.RuneStart(text[start]) {
			start++
		}
		return "…" + displayLine([]byte(text[start:]), errorLineBytes)
	}
	return displayLine([]byte(text), errorLineBytes)
}
