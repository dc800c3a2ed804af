package runtime

import (
	"errors"
	"fmt"
	"io"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// replFile names the REPL's input in positions and backtraces.
const replFile = "<stdin>"

// repl reads statements from the terminal and runs them with the test's
// globals until end of input. Errors are reported and the loop goes on;
// it returns an error only when the test is stopped.
func (d *driver) repl(thread *starlark.Thread, globals starlark.StringDict) error {
	if d.opts.Stdin == nil || d.opts.Terminal == nil {
		return errors.New("the interactive mode needs a terminal")
	}
	out := d.opts.Terminal
	fmt.Fprintln(out, "vmt interactive mode: the test's machines and builtins are defined (vmt doc NAME documents one); end with Ctrl-D")
	opts := lang.FileOptions()
	for {
		prompt := ">>> "
		var text []byte
		eof := false
		readline := func() ([]byte, error) {
			fmt.Fprint(out, prompt)
			prompt = "... "
			line, err := d.readLine()
			if err == io.EOF {
				if len(line) > 0 {
					err = nil
				} else {
					eof = true
				}
			}
			text = append(text, line...)
			return line, err
		}
		f, err := opts.ParseCompoundStmt(replFile, readline)
		if stop := d.stopped(); stop != nil {
			return stop
		}
		if eof {
			fmt.Fprintln(out)
			return nil
		}
		if err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		d.sources[replFile] = text
		if err := d.replChunk(thread, f, globals); err != nil {
			if stop := d.stopped(); stop != nil {
				return d.explainStop(stop)
			}
			_, report := d.describeFailure(err)
			fmt.Fprint(out, report)
		}
	}
}

// replChunk runs one statement; an expression's value is printed.
func (d *driver) replChunk(thread *starlark.Thread, f *syntax.File, globals starlark.StringDict) error {
	if len(f.Stmts) == 1 {
		if expr, ok := f.Stmts[0].(*syntax.ExprStmt); ok {
			v, err := starlark.EvalExprOptions(f.Options, thread, expr.X, globals)
			if err != nil {
				return err
			}
			if v != starlark.None {
				fmt.Fprintln(d.opts.Terminal, v)
			}
			return nil
		}
	}
	return starlark.ExecREPLChunk(f, thread, globals)
}
