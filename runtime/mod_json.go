package runtime

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"
)

// The json module, with Python's output format: ", " and ": " separators
// on one line, "," and newlines with indent, non-ASCII escaped.

func jsonDumps(c *call) (starlark.Value, error) {
	e := jsonEncoder{sortKeys: c.args.bool("sort_keys"), indent: -1}
	if !c.args.isNone("indent") {
		n, err := c.args.int("indent")
		if err != nil {
			return nil, err
		}
		e.indent = n
	}
	if err := e.encode(c.args.value("obj"), 0); err != nil {
		return nil, fmt.Errorf("json.dumps: %v", err)
	}
	return starlark.String(e.b.String()), nil
}

type jsonEncoder struct {
	b        strings.Builder
	sortKeys bool
	indent   int // -1: everything on one line
}

func (e *jsonEncoder) newline(depth int) {
	if e.indent >= 0 {
		e.b.WriteByte('\n')
		e.b.WriteString(strings.Repeat(" ", e.indent*depth))
	}
}

func (e *jsonEncoder) separator() string {
	if e.indent >= 0 {
		return ","
	}
	return ", "
}

func (e *jsonEncoder) encode(v starlark.Value, depth int) error {
	if depth > 100 {
		return fmt.Errorf("value nested too deeply (a cycle?)")
	}
	switch x := v.(type) {
	case starlark.NoneType:
		e.b.WriteString("null")
	case starlark.Bool:
		if x {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
	case starlark.Int:
		e.b.WriteString(x.String())
	case starlark.Float:
		f := float64(x)
		switch {
		case math.IsNaN(f):
			e.b.WriteString("NaN")
		case math.IsInf(f, 1):
			e.b.WriteString("Infinity")
		case math.IsInf(f, -1):
			e.b.WriteString("-Infinity")
		default:
			e.b.WriteString(x.String())
		}
	case starlark.String:
		writeJSONString(&e.b, string(x))
	case *starlark.List:
		return e.encodeSeq(x, depth)
	case starlark.Tuple:
		return e.encodeSeq(x, depth)
	case *starlark.Dict:
		return e.encodeDict(x, depth)
	default:
		return fmt.Errorf("cannot encode %s as JSON", v.Type())
	}
	return nil
}

func (e *jsonEncoder) encodeSeq(seq starlark.Indexable, depth int) error {
	if seq.Len() == 0 {
		e.b.WriteString("[]")
		return nil
	}
	e.b.WriteByte('[')
	for i := 0; i < seq.Len(); i++ {
		if i > 0 {
			e.b.WriteString(e.separator())
		}
		e.newline(depth + 1)
		if err := e.encode(seq.Index(i), depth+1); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.b.WriteByte(']')
	return nil
}

func (e *jsonEncoder) encodeDict(d *starlark.Dict, depth int) error {
	items := d.Items()
	if len(items) == 0 {
		e.b.WriteString("{}")
		return nil
	}
	keys := make([]string, len(items))
	for i, kv := range items {
		k, ok := kv[0].(starlark.String)
		if !ok {
			return fmt.Errorf("dict key %s is %s, want string", kv[0], kv[0].Type())
		}
		keys[i] = string(k)
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	if e.sortKeys {
		sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	}
	e.b.WriteByte('{')
	for n, i := range order {
		if n > 0 {
			e.b.WriteString(e.separator())
		}
		e.newline(depth + 1)
		writeJSONString(&e.b, keys[i])
		e.b.WriteString(": ")
		if err := e.encode(items[i][1], depth+1); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.b.WriteByte('}')
	return nil
}

// writeJSONString quotes s as Python's json module does with
// ensure_ascii: everything outside printable ASCII is escaped.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r >= 0x20 && r < 0x7f:
				b.WriteRune(r)
			case r > 0xffff:
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				fmt.Fprintf(b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
}

func jsonLoads(c *call) (starlark.Value, error) {
	s := c.args.str("s")
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("json.loads: the text is not valid UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeJSON(dec)
	if err != nil {
		return nil, fmt.Errorf("json.loads: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("json.loads: extra data after the value at offset %d", dec.InputOffset())
	}
	return v, nil
}

// decodeJSON reads one value token by token, keeping the order of object
// keys as Python's dicts do.
func decodeJSON(dec *json.Decoder) (starlark.Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return starlark.None, nil
	case bool:
		return starlark.Bool(t), nil
	case string:
		return starlark.String(t), nil
	case json.Number:
		return jsonNumber(t)
	case json.Delim:
		switch t {
		case '[':
			var elems []starlark.Value
			for dec.More() {
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				elems = append(elems, v)
			}
			_, err := dec.Token()
			return starlark.NewList(elems), err
		case '{':
			d := starlark.NewDict(0)
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				d.SetKey(starlark.String(k.(string)), v)
			}
			_, err := dec.Token()
			return d, err
		}
	}
	return nil, fmt.Errorf("unexpected %v", tok)
}

func jsonNumber(n json.Number) (starlark.Value, error) {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		if i, ok := new(big.Int).SetString(s, 10); ok {
			return starlark.MakeBigInt(i), nil
		}
	}
	f, err := n.Float64()
	if err != nil {
		return nil, fmt.Errorf("number %s: %v", s, err)
	}
	return starlark.Float(f), nil
}
