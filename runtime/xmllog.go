package runtime

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// xmlLog writes the log in the NixOS driver's XML format (LOGFILE):
// <logfile> holding <nest><head>…</head>…</nest> for steps and <line> for
// messages, with a machine attribute on what concerns one machine and
// type="serial" on console lines.
type xmlLog struct {
	w *bufio.Writer
}

func newXMLLog(w io.Writer) *xmlLog {
	x := &xmlLog{w: bufio.NewWriter(w)}
	x.w.WriteString("<logfile>\n")
	return x
}

func (x *xmlLog) attrs(machine string, extra ...string) string {
	var b strings.Builder
	if machine != "" {
		fmt.Fprintf(&b, ` machine="%s"`, escapeXML(machine))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		fmt.Fprintf(&b, ` %s="%s"`, extra[i], escapeXML(extra[i+1]))
	}
	return b.String()
}

func (x *xmlLog) begin(machine, msg string) {
	fmt.Fprintf(x.w, "<nest>\n<head%s>%s</head>\n", x.attrs(machine), escapeXML(msg))
}

func (x *xmlLog) end(machine, msg string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "failed"
	}
	fmt.Fprintf(x.w, "<line%s>%s</line>\n</nest>\n",
		x.attrs(machine, "type", "finished", "result", result, "duration", fmt.Sprintf("%.3f", took.Seconds())),
		escapeXML(msg))
	// Flush at the end of every step, so the file follows the test.
	x.w.Flush()
}

func (x *xmlLog) line(machine, msg, kind string) {
	var extra []string
	if kind != "" {
		extra = []string{"type", kind}
	}
	fmt.Fprintf(x.w, "<line%s>%s</line>\n", x.attrs(machine, extra...), escapeXML(msg))
}

func (x *xmlLog) close() error {
	x.w.WriteString("</logfile>\n")
	return x.w.Flush()
}

// escapeXML escapes text for element content and attribute values; bytes
// XML cannot hold (control characters, invalid UTF-8) become U+FFFD.
func escapeXML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
