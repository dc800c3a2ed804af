package runtime

import (
	"bufio"
	"errors"
)

// lineRead is one line read from the terminal.
type lineRead struct {
	line []byte
	err  error
}

// input is the terminal's input, shared by the REPL and the interactive
// methods, read a line at a time so that the test's stop is not held up
// by a terminal nobody types on.
type input struct {
	r       *bufio.Reader
	pending chan lineRead // the read in progress, if any
}

// errNoTerminal is the error of reading input when there is none.
var errNoTerminal = errors.New("there is no terminal to interact with")

// readLine returns the next line of the terminal with its newline (the
// last one may have none; io.EOF after it), or the reason the test was
// stopped while it waited.
func (d *driver) readLine() ([]byte, error) {
	if d.opts.Stdin == nil {
		return nil, errNoTerminal
	}
	if d.input == nil {
		d.input = &input{r: bufio.NewReader(d.opts.Stdin)}
	}
	in := d.input
	if in.pending == nil {
		in.pending = make(chan lineRead, 1)
		go func(done chan<- lineRead) {
			line, err := in.r.ReadBytes('\n')
			done <- lineRead{line, err}
		}(in.pending)
	}
	select {
	case got := <-in.pending:
		in.pending = nil
		return got.line, got.err
	case <-d.ctx.Done():
		return nil, d.stopped()
	}
}
