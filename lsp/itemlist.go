package lsp

import (
	"bytes"
	"encoding/json"
	"strconv"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Encoding completion items dominates a completion request: the items of
// the table, with their documentation, are encoded once when the server
// starts, and a request only joins encoded items.

// encodedItem is a completion item and its JSON encoding.
type encodedItem struct {
	label string
	json  []byte
}

func encodeItem(item protocol.CompletionItem) encodedItem {
	data, err := json.Marshal(item)
	if err != nil {
		// Items hold strings and numbers only; keep at least the label.
		data = []byte(`{"label":` + strconv.Quote(item.Label) + `}`)
	}
	return encodedItem{label: item.Label, json: data}
}

func encodeItems(items []protocol.CompletionItem) []encodedItem {
	encoded := make([]encodedItem, len(items))
	for i, item := range items {
		encoded[i] = encodeItem(item)
	}
	return encoded
}

// itemList gathers items for one answer; the first item with a label wins.
type itemList struct {
	seen  map[string]bool
	items [][]byte
}

func (l *itemList) add(items ...encodedItem) {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	for _, item := range items {
		if !l.seen[item.label] {
			l.seen[item.label] = true
			l.items = append(l.items, item.json)
		}
	}
}

// encode returns the items as a JSON array.
func (l *itemList) encode() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	b.Write(bytes.Join(l.items, []byte{','}))
	b.WriteByte(']')
	return b.Bytes()
}
