package runtime

import (
	"slices"

	"go.starlark.net/starlark"
)

// nestedBlock is a block of the log opened by nested or Machine.nested:
// a step like a subtest's, without a JUnit test case.
type nestedBlock struct {
	step *step
	// section is set for nested(message), which end_nested() ends.
	section bool
	// owner is the innermost subtest open when the block was opened (nil
	// for none), and subtests how many were open: the block ends with
	// its owner, and the subtests after those were opened inside it.
	owner    *openSubtest
	subtests int
}

// openNested opens a block of the log; machine prefixes the message.
func (d *driver) openNested(machine, msg string, section bool) *nestedBlock {
	d.pruneNested()
	b := &nestedBlock{step: d.log.Nest(machine, msg), section: section, owner: d.subtests.current(), subtests: len(d.subtests.open)}
	d.nested = append(d.nested, b)
	return b
}

// pruneNested forgets the blocks whose subtest has ended, which ended
// the blocks too.
func (d *driver) pruneNested() {
	d.nested = slices.DeleteFunc(d.nested, func(b *nestedBlock) bool {
		return b.owner != nil && !slices.Contains(d.subtests.open, b.owner)
	})
}

// closeNested ends b, the blocks and the subtest sections opened inside
// it; err, when set, fails them.
func (d *driver) closeNested(b *nestedBlock, err error) {
	d.pruneNested()
	i := slices.Index(d.nested, b)
	if i < 0 {
		return
	}
	if len(d.subtests.open) > b.subtests {
		d.closeSubtest(d.subtests.open[b.subtests], err)
	}
	b.step.end(err)
	d.nested = d.nested[:i]
}

// endAllNested ends the blocks still open when the script ends.
func (d *driver) endAllNested(err error) {
	d.pruneNested()
	if len(d.nested) > 0 {
		d.closeNested(d.nested[0], err)
	}
}

// nestedBuiltin implements nested and Machine.nested: with fn, a block
// around the call of fn; without, a block until end_nested().
func nestedBuiltin(c *call, machine string) (starlark.Value, error) {
	msg := c.args.str("message")
	if c.args.isNone("fn") {
		c.d.openNested(machine, msg, true)
		return starlark.None, nil
	}
	b := c.d.openNested(machine, msg, false)
	result, err := starlark.Call(c.thread, c.args.value("fn"), nil, nil)
	c.d.closeNested(b, err)
	return result, err
}

func nestedGlobal(c *call) (starlark.Value, error) { return nestedBuiltin(c, "") }

func machineNested(m *Machine, c *call) (starlark.Value, error) { return nestedBuiltin(c, m.name) }

// endNested ends the innermost block of nested(message), unless a
// nested(message, fn) or subtest(name, fn) in progress was opened after
// it: what runs inside a function cannot end the blocks around it.
func endNested(c *call) (starlark.Value, error) {
	d := c.d
	d.pruneNested()
	if len(d.nested) == 0 {
		return starlark.None, nil
	}
	b := d.nested[len(d.nested)-1]
	if !b.section {
		return starlark.None, nil
	}
	for _, st := range d.subtests.open[b.subtests:] {
		if !st.section {
			return starlark.None, nil
		}
	}
	d.closeNested(b, nil)
	return starlark.None, nil
}

// inNestedFn reports whether a nested(message, fn) opened inside the
// subtest st is in progress.
func (d *driver) inNestedFn(st *openSubtest) bool {
	d.pruneNested()
	for _, b := range d.nested {
		if !b.section && b.owner == st {
			return true
		}
	}
	return false
}
