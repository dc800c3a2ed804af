package lint

import (
	"fmt"
	"strings"
	"testing"
)

// benchScript builds a 300-line two-machine test in the style of NixOS
// tests: subtests, helpers, loops, assertions and regex checks.
func benchScript() string {
	var b strings.Builder
	b.WriteString(`# vmt: machines=server,client
"""A web server and a client, exercised the way NixOS tests do."""

start_all()
server.wait_for_unit("multi-user.target")
client.wait_for_unit("multi-user.target")


def check_page(path, expected):
    out = client.succeed("curl -sf http://server" + path)
    assert_in(expected, out, "page %s" % path)
    return out


def port_open(last_try):
    status, _ = server.execute("nc -z localhost 80")
    return status == 0

`)
	lines := strings.Count(b.String(), "\n")
	for i := 0; lines < 296; i++ {
		block := fmt.Sprintf(`subtest("step %[1]d")
server.succeed("systemctl restart nginx", "echo %[1]d > /srv/%[1]d", timeout=30)
server.wait_for_open_port(80, timeout=60)
retry(port_open, timeout=20)
page = check_page("/%[1]d", "%[1]d")
assert_eq(page.strip(), "%[1]d")
for m in machines:
    m.succeed("test -d /etc")
if re.search("(?m)^%[1]d$", page):
    client.log("page %[1]d ok")
info = server.get_unit_info("nginx.service")
assert_eq(info["ActiveState"], "active", "nginx %[1]d")
data = json.loads(server.succeed("echo '{\"n\": %[1]d}'"))
assert_true(data["n"] == %[1]d)
`, i)
		b.WriteString(block)
		lines += strings.Count(block, "\n")
	}
	b.WriteString("end_subtest()\nserver.copy_from_machine(\"/var/log/nginx\")\nclient.shutdown()\nserver.shutdown()\n")
	return b.String()
}

func TestBenchScriptIsClean(t *testing.T) {
	src := benchScript()
	if n := strings.Count(src, "\n"); n < 295 || n > 310 {
		t.Fatalf("benchmark script has %d lines, want about 300", n)
	}
	for _, f := range File("bench.star", []byte(src), Config{}) {
		t.Errorf("%d:%d: %s: %s", f.Pos.Line, f.Pos.Col, f.Rule, f.Message)
	}
}

// BenchmarkFile300Lines measures linting a 300-line script; the target is
// at most 5 ms per script.
func BenchmarkFile300Lines(b *testing.B) {
	src := []byte(benchScript())
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		File("bench.star", src, Config{})
	}
}
