package lsp

import (
	"sync"
	"time"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/vmt-dev/vmt/lint"
)

// diagnostics lints documents after they open or change and publishes the
// findings. Linting runs on timers (debounced per document), publishing on
// one goroutine of its own: handlers never write to the client, and the
// clearing notification sent on close cannot be overtaken by a late lint.
type diagnostics struct {
	srv   *Server
	delay time.Duration

	mu      sync.Mutex
	timers  map[protocol.DocumentUri]*time.Timer
	pending map[protocol.DocumentUri]protocol.PublishDiagnosticsParams
	order   []protocol.DocumentUri // pending's keys, oldest first
	stopped bool
	wake    chan struct{}
	done    chan struct{}
}

func newDiagnostics(srv *Server, delay time.Duration) *diagnostics {
	return &diagnostics{
		srv:     srv,
		delay:   delay,
		timers:  map[protocol.DocumentUri]*time.Timer{},
		pending: map[protocol.DocumentUri]protocol.PublishDiagnosticsParams{},
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
}

// start runs the publisher, which sends with notify.
func (d *diagnostics) start(notify func(method string, params any)) {
	go func() {
		for {
			select {
			case <-d.done:
				return
			case <-d.wake:
			}
			for _, params := range d.takePending() {
				notify(protocol.ServerTextDocumentPublishDiagnostics, params)
			}
		}
	}()
}

// stop ends the publisher and every pending lint; it may be called twice.
func (d *diagnostics) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	d.stopped = true
	for _, t := range d.timers {
		t.Stop()
	}
	close(d.done)
}

// schedule lints doc after delay, replacing a lint of the same document
// that has not started yet.
func (d *diagnostics) schedule(doc *snapshot, delay time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	if t := d.timers[doc.uri]; t != nil {
		t.Stop()
	}
	d.timers[doc.uri] = time.AfterFunc(delay, func() { d.lint(doc) })
}

// lint publishes doc's findings unless doc changed or closed meanwhile.
func (d *diagnostics) lint(doc *snapshot) {
	findings := doc.findings(d.srv)
	list := make([]protocol.Diagnostic, 0, len(findings))
	for _, f := range findings {
		list = append(list, toDiagnostic(doc.text, f))
	}
	version := protocol.UInteger(doc.version)
	d.srv.docs.isCurrent(doc, func() {
		d.enqueue(protocol.PublishDiagnosticsParams{URI: doc.uri, Version: &version, Diagnostics: list})
	})
}

// clear cancels a closed document's lint and publishes no findings for it.
func (d *diagnostics) clear(uri protocol.DocumentUri) {
	d.mu.Lock()
	if t := d.timers[uri]; t != nil {
		t.Stop()
		delete(d.timers, uri)
	}
	d.mu.Unlock()
	d.enqueue(protocol.PublishDiagnosticsParams{URI: uri, Diagnostics: []protocol.Diagnostic{}})
}

// enqueue replaces any unsent diagnostics of the same document.
func (d *diagnostics) enqueue(params protocol.PublishDiagnosticsParams) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.pending[params.URI]; !ok {
		d.order = append(d.order, params.URI)
	}
	d.pending[params.URI] = params
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *diagnostics) takePending() []protocol.PublishDiagnosticsParams {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]protocol.PublishDiagnosticsParams, 0, len(d.order))
	for _, uri := range d.order {
		out = append(out, d.pending[uri])
	}
	d.order = d.order[:0]
	clear(d.pending)
	return out
}

// diagnosticSource names vmt as the origin of findings in editors.
const diagnosticSource = "vmt"

func toDiagnostic(text *textIndex, f lint.Finding) protocol.Diagnostic {
	start := text.starlarkOffset(f.Pos.Line, f.Pos.Col)
	end := start
	if f.End.Line > 0 {
		end = text.starlarkOffset(f.End.Line, f.End.Col)
	}
	if end <= start {
		start, end = visibleRange(text, start)
	}
	severity := protocol.DiagnosticSeverityError
	switch f.Severity {
	case lint.Warning:
		severity = protocol.DiagnosticSeverityWarning
	case lint.Info:
		severity = protocol.DiagnosticSeverityInformation
	}
	source := diagnosticSource
	return protocol.Diagnostic{
		Range:    protocol.Range{Start: text.position(start), End: text.position(end)},
		Severity: &severity,
		Code:     &protocol.IntegerOrString{Value: f.Rule},
		Source:   &source,
		Message:  f.Message,
		Tags:     diagnosticTags[f.Rule],
	}
}

// diagnosticTags let editors strike out deprecated calls and fade code
// that does nothing, as they do for other languages.
var diagnosticTags = map[string][]protocol.DiagnosticTag{
	"deprecated":        {protocol.DiagnosticTagDeprecated},
	"unused-variable":   {protocol.DiagnosticTagUnnecessary},
	"unused-assignment": {protocol.DiagnosticTagUnnecessary},
	"unreachable-code":  {protocol.DiagnosticTagUnnecessary},
}

// visibleRange gives a finding without an end a visible range: the name
// at start, or one character, never past the line's end. (The linter
// already places a syntax error at the end of the script on its code.)
func visibleRange(text *textIndex, start int) (int, int) {
	line := text.lineOf(start)
	_, lineEnd := text.lineBounds(line)
	end := start
	for end < lineEnd && isIdentPart(text.text[end]) {
		end++
	}
	if end == start && end < lineEnd {
		_, size := utf8.DecodeRuneInString(text.text[end:lineEnd])
		end += size
	}
	return start, end
}
