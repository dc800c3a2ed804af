package analysis

import (
	"fmt"

	"github.com/vmt-dev/vmt/internal/suggest"
	"github.com/vmt-dev/vmt/lang"
)

// The argument binder: how the arguments of a call match a signature, and
// the one set of messages for what does not match. The checks use it on
// the syntax of a call; the runtime on the values of a call as it runs.

// BindProblem is an argument that does not match the signature; Arg is
// its index among the call's arguments, or -1 for the call as a whole (a
// missing argument).
type BindProblem struct {
	Arg int
	Msg string
}

// Bind matches a call's arguments to fn's parameters. keywords has one
// entry per argument, in order: the keyword, or "" for a positional
// argument. spread says the call also passes *args or **kwargs, so which
// parameters are filled is unknown and nothing is reported missing.
// display is how messages name the callee: "succeed()", "json.dumps()".
// It returns the parameter of each argument (nil for a mismatch).
func Bind(fn *lang.Func, display string, keywords []string, spread bool) ([]*lang.Param, []BindProblem) {
	params := make([]*lang.Param, len(keywords))
	var problems []BindProblem
	var positional []*lang.Param
	var variadic, varKeyword *lang.Param
	var names []string
	for i := range fn.Params {
		p := &fn.Params[i]
		switch p.Kind {
		case lang.Positional:
			positional = append(positional, p)
			names = append(names, p.Name)
		case lang.KeywordOnly:
			names = append(names, p.Name)
		case lang.Variadic:
			variadic = p
		case lang.VarKeyword:
			varKeyword = p
		}
	}
	nPositional := 0
	for _, kw := range keywords {
		if kw == "" {
			nPositional++
		}
	}
	filled := map[string]bool{}
	next := 0
	tooMany := false
	for i, kw := range keywords {
		if kw != "" {
			p := byName(fn, kw)
			switch {
			case p == nil && varKeyword != nil:
				params[i] = varKeyword
			case p == nil:
				msg := fmt.Sprintf("%s has no parameter %q", display, kw)
				if guess := suggest.Closest(kw, names); guess != "" {
					msg += fmt.Sprintf("; did you mean %q?", guess)
				}
				problems = append(problems, BindProblem{i, msg})
			case filled[kw]:
				problems = append(problems, BindProblem{i, fmt.Sprintf("%s got the argument %q twice", display, kw)})
			default:
				filled[kw] = true
				params[i] = p
			}
			continue
		}
		switch {
		case next < len(positional):
			params[i] = positional[next]
			filled[positional[next].Name] = true
		case variadic != nil:
			params[i] = variadic
		case !tooMany:
			tooMany = true
			problems = append(problems, BindProblem{i, fmt.Sprintf("%s takes %s, got %d",
				display, countPositional(len(positional)), nPositional)})
		}
		next++
	}
	if spread {
		return params, problems
	}
	for i := range fn.Params {
		p := &fn.Params[i]
		if p.Required() && !filled[p.Name] {
			problems = append(problems, BindProblem{-1, fmt.Sprintf("%s is missing the argument %q", display, p.Name)})
		}
	}
	return params, problems
}

// byName returns the parameter a keyword argument names, or nil.
func byName(fn *lang.Func, name string) *lang.Param {
	for i := range fn.Params {
		p := &fn.Params[i]
		if p.Name == name && (p.Kind == lang.Positional || p.Kind == lang.KeywordOnly) {
			return p
		}
	}
	return nil
}

func countPositional(n int) string {
	switch n {
	case 0:
		return "no positional arguments"
	case 1:
		return "at most 1 positional argument"
	}
	return fmt.Sprintf("at most %d positional arguments", n)
}

// ArgumentTypeMessage is the message for an argument of a type its
// parameter does not take; got names the type, and the value when short.
func ArgumentTypeMessage(display string, p *lang.Param, got string) string {
	return fmt.Sprintf("%s: %q expects %s, got %s", display, p.Name, p.Type, got)
}
