package systemdguest

import (
	"os"
	"strings"
	"testing"
)

func TestStartScriptCarriesTheMachine(t *testing.T) {
	g := Guest{Kernel: "/k", Initramfs: "/i", Root: "/r.img"}
	path, err := g.WriteStartScript(t.TempDir(), Machine{Name: "client", Index: 2, VLANs: []int{1, 3}, Peers: []string{"server", "client"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, "/run-client-vm") {
		t.Errorf("path %s, want run-client-vm", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"systemd.hostname=client",
		"vmt.addrs=52:54:00:12:01:02=192.168.1.2/24,52:54:00:12:03:02=192.168.3.2/24",
		"vmt.hosts=server=192.168.1.1,client=192.168.1.2",
		`sock="$QEMU_VDE_SOCKET_3"`,
		"-b '/r.img'",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("start script lacks %q:\n%s", want, data)
		}
	}
}

func TestStartScriptRefusesBadMachines(t *testing.T) {
	g := Guest{Kernel: "/k", Initramfs: "/i", Root: "/r.img"}
	for _, m := range []Machine{{Name: "a b", Index: 1}, {Name: "it's", Index: 1}, {Name: "", Index: 1}, {Name: "x", Index: 0}, {Name: "x", Index: 255}} {
		if _, err := g.WriteStartScript(t.TempDir(), m); err == nil {
			t.Errorf("%+v: no error", m)
		}
	}
}
