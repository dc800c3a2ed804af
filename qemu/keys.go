package qemu

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// charToKey maps a character to the QEMU key name that types it, as the
// NixOS driver's table does (US layout; shifted characters as shift-KEY).
var charToKey = func() map[string]string {
	m := map[string]string{
		" ": "spc", "\n": "ret",
		"!": "shift-0x02", "@": "shift-0x03", "#": "shift-0x04", "$": "shift-0x05",
		"%": "shift-0x06", "^": "shift-0x07", "&": "shift-0x08", "*": "shift-0x09",
		"(": "shift-0x0A", ")": "shift-0x0B", "-": "0x0C", "_": "shift-0x0C",
		"=": "0x0D", "+": "shift-0x0D", "[": "0x1A", "{": "shift-0x1A",
		"]": "0x1B", "}": "shift-0x1B", ";": "0x27", ":": "shift-0x27",
		"'": "0x28", `"`: "shift-0x28", "`": "0x29", "~": "shift-0x29",
		`\`: "0x2B", "|": "shift-0x2B", ",": "0x33", "<": "shift-0x33",
		".": "0x34", ">": "shift-0x34", "/": "0x35", "?": "shift-0x35",
	}
	for c := 'a'; c <= 'z'; c++ {
		m[string(c)] = string(c)
		m[strings.ToUpper(string(c))] = "shift-" + string(c)
	}
	for c := '0'; c <= '9'; c++ {
		m[string(c)] = string(c)
	}
	return m
}()

// KeyName returns the QEMU key name for key: a character from the table,
// or key itself (a QEMU key name or combination such as "ctrl-alt-delete").
func KeyName(key string) string {
	if k, ok := charToKey[key]; ok {
		return k
	}
	return key
}

// SendKey presses a key or key combination through the monitor.
func (m *Machine) SendKey(ctx context.Context, key string) error {
	name := KeyName(key)
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("machine %s: %q is not a key name (use QEMU names such as \"ret\", \"ctrl-alt-delete\", or one character)", m.cfg.Name, key)
	}
	out, err := m.SendMonitorCommand(ctx, "sendkey "+name)
	if err != nil {
		return err
	}
	if out = strings.TrimSpace(out); out != "" {
		return fmt.Errorf("machine %s: sendkey %s: %s", m.cfg.Name, name, out)
	}
	return nil
}

// SendChars types chars one key at a time, pausing delay after each.
func (m *Machine) SendChars(ctx context.Context, chars string, delay time.Duration) error {
	for _, c := range chars {
		if err := m.SendKey(ctx, string(c)); err != nil {
			return err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
