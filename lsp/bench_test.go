package lsp

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// The benchmarks time requests through the JSON-RPC pipe, as an editor
// sees them, on a 2,000-line script, and report the 99th percentile (the
// target is 5 ms). Answers are decoded into the few fields checked, so
// that the client's decoding does not count as the server's time.

// benchLines is the size of the benchmark script.
const benchLines = 2000

// benchScript returns a script of benchLines lines shaped like real tests:
// functions with docstrings, subtests, machine commands and assertions.
// The cursor line is "server.succeed(\"true\")" at line benchLines/2.
func benchScript() (text string, cursorLine int) {
	var b strings.Builder
	b.WriteString("# vmt: machines=server,client\n")
	lines := 1
	for block := 0; lines < benchLines-12; block++ {
		if lines >= benchLines/2 && cursorLine == 0 {
			cursorLine = lines
			b.WriteString("server.succeed(\"true\")\n")
			lines++
		}
		fmt.Fprintf(&b, `def check_service_%[1]d(unit, timeout = 30):
    """Wait for unit %[1]d and check that it answers."""
    server.wait_for_unit(unit, timeout = timeout)
    client.succeed("curl -sf http://server/%[1]d")

subtest("service %[1]d")
server.succeed("systemctl start svc%[1]d")
out_%[1]d = client.wait_until_succeeds("test -f /tmp/%[1]d && cat /tmp/%[1]d")
assert_in("ok", out_%[1]d)
check_service_%[1]d("svc%[1]d.service")

`, block)
		lines += 11
	}
	for ; lines < benchLines; lines++ {
		b.WriteString("log(\"padding\")\n")
	}
	return b.String(), cursorLine
}

// benchServer opens the benchmark script on a fresh server.
func benchServer(b *testing.B) (*testClient, int) {
	// Diagnostics wait as long as in an editor, so that linting does not
	// run between the requests of a typing burst.
	c := startServer(b, Options{DiagnosticsDelay: defaultDiagnosticsDelay})
	text, line := benchScript()
	if n := strings.Count(text, "\n"); n != benchLines {
		b.Fatalf("benchmark script has %d lines, want %d", n, benchLines)
	}
	c.open(testURI, text)
	return c, line
}

// reportP99 records the 99th percentile of the durations.
func reportP99(b *testing.B, durations []time.Duration) {
	slices.Sort(durations)
	p99 := durations[len(durations)*99/100]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// BenchmarkCompletion completes after `server.` in the middle of the
// script.
func BenchmarkCompletion(b *testing.B) {
	c, line := benchServer(b)
	pos := position(testURI, line, len("server."))
	durations := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		var items []struct{ Label string }
		c.mustCall("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: pos}, &items)
		durations = append(durations, time.Since(start))
		if len(items) == 0 {
			b.Fatal("no completion items")
		}
	}
	reportP99(b, durations)
}

// BenchmarkHover hovers over `succeed` in the middle of the script.
func BenchmarkHover(b *testing.B) {
	c, line := benchServer(b)
	pos := position(testURI, line, len("server.su"))
	durations := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		var hover *struct{ Contents struct{ Value string } }
		c.mustCall("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: pos}, &hover)
		durations = append(durations, time.Since(start))
		if hover == nil {
			b.Fatal("no hover")
		}
	}
	reportP99(b, durations)
}

// BenchmarkCompletionWhileTyping is what typing costs: each iteration
// sends an edit that leaves the line half typed (`server.wa`, which does
// not parse) and asks for completion at once, while the server analyses
// the new version in the background. Between iterations, untimed, the
// benchmark waits for that analysis to end, as a person's next keystroke
// comes tens of milliseconds later.
func BenchmarkCompletionWhileTyping(b *testing.B) {
	c, line := benchServer(b)
	durations := make([]time.Duration, 0, b.N)
	version := 1
	for b.Loop() {
		version++
		typed := "server.wa"[:7+version%3]
		start := time.Now()
		c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
			TextDocument: protocol.VersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: testURI}, Version: protocol.Integer(version),
			},
			ContentChanges: []any{protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
				Start: protocol.Position{Line: protocol.UInteger(line)},
				End:   protocol.Position{Line: protocol.UInteger(line + 1)},
			}, Text: typed + "\n"}},
		})
		var items []struct{ Label string }
		c.mustCall("textDocument/completion", protocol.CompletionParams{
			TextDocumentPositionParams: position(testURI, line, len(typed)),
		}, &items)
		durations = append(durations, time.Since(start))
		if len(items) == 0 {
			b.Fatal("no completion items")
		}
		b.StopTimer()
		// Document symbols wait for the analysis of the current version.
		var symbols []struct{ Name string }
		c.mustCall("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: testURI}}, &symbols)
		b.StartTimer()
	}
	reportP99(b, durations)
}
