package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.starlark.net/starlark"
)

func machineSendKey(m *Machine, c *call) (starlark.Value, error) {
	eng, err := m.eng()
	if err != nil {
		return nil, err
	}
	delay, err := c.args.seconds("delay")
	if err != nil {
		return nil, err
	}
	key := c.args.str("key")
	press := func() error {
		if err := c.d.checkConditions(c.thread); err != nil {
			return err
		}
		ctx, cancel := c.d.callContext()
		defer cancel()
		if err := eng.SendKey(ctx, key); err != nil {
			return c.d.callError(ctx, err)
		}
		return c.d.sleep(delay)
	}
	if !c.args.bool("log") {
		return starlark.None, press()
	}
	return starlark.None, m.step(fmt.Sprintf("sending key %q", key), press)
}

func machineSendChars(m *Machine, c *call) (starlark.Value, error) {
	eng, err := m.eng()
	if err != nil {
		return nil, err
	}
	delay, err := c.args.seconds("delay")
	if err != nil {
		return nil, err
	}
	chars := c.args.str("chars")
	return starlark.None, m.step(fmt.Sprintf("sending keys %q", chars), func() error {
		if err := c.d.checkConditions(c.thread); err != nil {
			return err
		}
		ctx, cancel := c.d.callContext()
		defer cancel()
		if err := eng.SendChars(ctx, chars, delay); err != nil {
			return c.d.callError(ctx, err)
		}
		return nil
	})
}

// screenshotPath places a bare file name in the output directory and
// gives a name without extension ".png".
func (d *driver) screenshotPath(name string) string {
	if filepath.Ext(name) == "" {
		name += ".png"
	}
	return d.outputPath(name)
}

func machineScreenshot(m *Machine, c *call) (starlark.Value, error) {
	path := c.d.screenshotPath(c.args.str("filename"))
	return starlark.None, m.step("making a screenshot: "+path, func() error {
		return m.screenshot(c, path)
	})
}

// screenshot saves the display as a PNG file at path.
func (m *Machine) screenshot(c *call, path string) error {
	eng, err := m.eng()
	if err != nil {
		return err
	}
	if err := c.d.checkConditions(c.thread); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: screenshot: %w", m.name, err)
	}
	ctx, cancel := c.d.callContext()
	defer cancel()
	if err := eng.Screenshot(ctx, path); err != nil {
		return c.d.callError(ctx, err)
	}
	return nil
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
	re, err := compileArg(c, "regexp")
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.seconds("timeout")
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("tty%d to match %s", tty, re)
	return starlark.None, m.step("waiting for "+what, func() error {
		return c.d.waitUntil(what, timeout, time.Second, func(bool) error {
			text, err := m.ttyText(c, tty)
			if err != nil {
				return err
			}
			if !re.MatchString(text) {
				return &notYet{fmt.Errorf("tty%d shows:\n%s", tty, text)}
			}
			return nil
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
	values := make([]starlark.Value, len(texts))
	for i, t := range texts {
		values[i] = starlark.String(t)
	}
	return starlark.NewList(values), nil
}

func machineWaitForText(m *Machine, c *call) (starlark.Value, error) {
	re, err := compileArg(c, "regex")
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.seconds("timeout")
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("the screen to show %s", re)
	return starlark.None, m.step("waiting for "+what, func() error {
		return c.d.waitUntil(what, timeout, time.Second, func(lastTry bool) error {
			texts, err := m.screenTexts(c, lastTry)
			if err != nil {
				return err
			}
			for _, t := range texts {
				if re.MatchString(t) {
					return nil
				}
			}
			return &notYet{fmt.Errorf("the screen reads:\n%s", strings.Join(texts, "\n---\n"))}
		})
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
	values := make([]starlark.Value, len(names))
	for i, n := range names {
		values[i] = starlark.String(n)
	}
	return starlark.NewList(values), nil
}

func machineWaitForWindow(m *Machine, c *call) (starlark.Value, error) {
	re, err := compileArg(c, "regexp")
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.seconds("timeout")
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("a window matching %s", re)
	return starlark.None, m.step("waiting for "+what, func() error {
		return c.d.waitUntil(what, timeout, time.Second, func(bool) error {
			names, err := m.windowNames(c)
			if err != nil {
				return err
			}
			for _, n := range names {
				if re.MatchString(n) {
					return nil
				}
			}
			return &notYet{fmt.Errorf("windows: %q", names)}
		})
	})
}
