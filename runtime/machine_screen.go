package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.starlark.net/starlark"
)

func machineSendKey(m *Machine, c *call) (starlark.Value, error) {
	delay, err := c.args.seconds("delay")
	if err != nil {
		return nil, err
	}
	key := c.args.str("key")
	press := func(screen Screen, ctx context.Context) error {
		if err := screen.SendKey(ctx, key); err != nil {
			return err
		}
		return c.d.sleep(delay)
	}
	if !c.args.bool("log") {
		return starlark.None, engineCall(m, c, press)
	}
	return engineStep(m, c, fmt.Sprintf("sending key %q", key), press)
}

func machineSendChars(m *Machine, c *call) (starlark.Value, error) {
	delay, err := c.args.seconds("delay")
	if err != nil {
		return nil, err
	}
	chars := c.args.str("chars")
	return engineStep(m, c, fmt.Sprintf("sending keys %q", chars), func(screen Screen, ctx context.Context) error {
		return screen.SendChars(ctx, chars, delay)
	})
}

func machineScreenshot(m *Machine, c *call) (starlark.Value, error) {
	name := c.args.str("filename")
	if filepath.Ext(name) == "" {
		name += ".png"
	}
	rel, err := c.d.outputName("screenshot", name, "screen.png")
	if err != nil {
		return nil, err
	}
	return starlark.None, m.step("making a screenshot: "+filepath.Join(c.d.opts.OutputDir, rel), func() error {
		// The engine writes where it is told; the picture reaches the
		// output directory through os.Root, which keeps it inside.
		tmp, err := os.MkdirTemp("", "vmt-screenshot-")
		if err != nil {
			return fmt.Errorf("%s: screenshot: %w", m.name, err)
		}
		defer os.RemoveAll(tmp)
		if err := m.screenshot(c, filepath.Join(tmp, "screen.png")); err != nil {
			return err
		}
		if err := c.d.saveOutput(tmp, "screen.png", rel); err != nil {
			return fmt.Errorf("%s: screenshot: %w", m.name, err)
		}
		return nil
	})
}

// screenshot saves the display as a PNG file at path.
func (m *Machine) screenshot(c *call, path string) error {
	return engineCall(m, c, func(screen Screen, ctx context.Context) error {
		return screen.Screenshot(ctx, path)
	})
}

// ttyNumber reads the tty parameter: a virtual console number.
func ttyNumber(c *call) (int, error) {
	v := c.args.value("tty")
	text := v.String()
	if s, ok := starlark.AsString(v); ok {
		text = s
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > 63 {
		return 0, fmt.Errorf("%s: tty must be a virtual console number from 1 to 63, got %s", c.args.name, v)
	}
	return n, nil
}

// ttyText reads the text on a virtual console, wrapped at its width.
func (m *Machine) ttyText(c *call, tty int) (string, error) {
	command := fmt.Sprintf("fold -w$(stty -F /dev/tty%d size | awk '{print $2}') /dev/vcs%d", tty, tty)
	out, err := m.mustSucceed(c, command, 0)
	return string(out), err
}

func machineGetTTYText(m *Machine, c *call) (starlark.Value, error) {
	tty, err := ttyNumber(c)
	if err != nil {
		return nil, err
	}
	text, err := m.ttyText(c, tty)
	if err != nil {
		return nil, err
	}
	return starlark.String(text), nil
}

func machineWaitUntilTTYMatches(m *Machine, c *call) (starlark.Value, error) {
	tty, err := ttyNumber(c)
	if err != nil {
		return nil, err
	}
	return m.waitForMatch(c, "regexp", fmt.Sprintf("tty%d to match %%s", tty), func(bool) ([]string, error) {
		text, err := m.ttyText(c, tty)
		return []string{text}, err
	}, func(texts []string) error {
		return fmt.Errorf("tty%d shows:\n%s", tty, texts[0])
	})
}

// waitForMatch reads texts once a second until one of them matches the
// regular expression of parameter param, within parameter timeout. what
// describes the wait, with %s for the expression; describe says what was
// read instead.
func (m *Machine) waitForMatch(c *call, param, what string, read func(lastTry bool) ([]string, error), describe func(texts []string) error) (starlark.Value, error) {
	re, err := compileArg(c, param)
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	what = fmt.Sprintf(what, re)
	return starlark.None, m.step("waiting for "+what, func() error {
		return c.d.waitUntil(what, timeout, time.Second, func(lastTry bool) error {
			texts, err := read(lastTry)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(texts, re.MatchString) {
				return nil
			}
			return &notYet{describe(texts)}
		})
	})
}

func machineDumpTTYContents(m *Machine, c *call) (starlark.Value, error) {
	tty, err := ttyNumber(c)
	if err != nil {
		return nil, err
	}
	_, err = m.mustSucceed(c, fmt.Sprintf("fold -w 80 /dev/vcs%d | systemd-cat", tty), 0)
	return starlark.None, err
}

func machineGetScreenText(m *Machine, c *call) (starlark.Value, error) {
	var texts []string
	err := m.step("reading the screen", func() error {
		var err error
		texts, err = m.screenTexts(c, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return starlark.String(texts[0]), nil
}

func machineGetScreenTextVariants(m *Machine, c *call) (starlark.Value, error) {
	var texts []string
	err := m.step("reading the screen several ways", func() error {
		var err error
		texts, err = m.screenTexts(c, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return stringList(texts), nil
}

func machineWaitForText(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForMatch(c, "regex", "the screen to show %s", func(lastTry bool) ([]string, error) {
		return m.screenTexts(c, lastTry)
	}, func(texts []string) error {
		return fmt.Errorf("the screen reads:\n%s", strings.Join(texts, "\n---\n"))
	})
}

func machineWaitForX(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForCommand(c, "waiting for the X server", "the X server to accept connections", "test -e /tmp/.X11-unix/X0", true)
}

// windowNames lists the names of the X11 windows with xwininfo.
func (m *Machine) windowNames(c *call) ([]string, error) {
	// pipefail: a guest without xwininfo is an error, not a window-less X.
	out, err := m.mustSucceed(c, `set -o pipefail; xwininfo -root -tree | sed 's/.*0x[0-9a-f]* "\([^"]*\)".*/\1/; t; d'`, 0)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line != "" {
			names = append(names, line)
		}
	}
	return names, nil
}

func machineGetWindowNames(m *Machine, c *call) (starlark.Value, error) {
	names, err := m.windowNames(c)
	if err != nil {
		return nil, err
	}
	return stringList(names), nil
}

func machineWaitForWindow(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForMatch(c, "regexp", "a window matching %s", func(bool) ([]string, error) {
		return m.windowNames(c)
	}, func(names []string) error {
		return fmt.Errorf("windows: %q", names)
	})
}
