package lang

import "strings"

// machineType is the Machine handle: one global per machine of the test.
var machineType = &Type{
	Name: MachineType,
	Doc: "A virtual machine of the test. Each machine is a global named after it " +
		"(`server`, `client`), `machine` is an alias when the test has exactly one, " +
		"and `machines` lists them all. Methods that talk to the guest boot it first " +
		"when it is not running yet and run commands through its root shell.",
	Attrs: []*Attr{
		{Name: "name", Type: "str", Doc: "The machine's name, as given by its start script or `create_machine`."},
		{Name: "booted", Type: "bool", Doc: "Whether the QEMU process of the machine is running."},
		{Name: "connected", Type: "bool", Doc: "Whether the guest's root shell is connected."},
		{Name: "state_dir", Type: "str", Doc: "Host directory holding the machine's disks and sockets (`TMPDIR` of its start script)."},
		{Name: "shared_dir", Type: "str", Doc: "Host side of the directory shared with every guest (mounted at `/tmp/shared` in NixOS guests)."},
	},
	Methods: []*Func{
		// Lifecycle.
		{Name: "start", Params: []Param{
			arg("allow_reboot", "bool", "False", "Let the guest reboot instead of making QEMU exit when it tries."),
		}, Returns: "None", Doc: "Start the machine without waiting for it to boot. " +
			"Starting a running machine does nothing; commands wait for the boot themselves."},
		{Name: "connect", Returns: "None", Doc: "Wait until the guest's root shell is ready. " +
			"Boots the machine first when needed; every command calls this implicitly."},
		{Name: "is_up", Returns: "bool", Doc: "Report whether the machine is booted and its root shell connected."},
		{Name: "shutdown", Returns: "None", Doc: "Power the guest off cleanly and wait until QEMU exits. Does nothing when the machine is not running."},
		{Name: "crash", Returns: "None", Doc: "Stop the machine at once, like pulling the power cord, and wait until QEMU exits."},
		{Name: "reboot", Returns: "None", Doc: "Press Ctrl+Alt+Delete in the guest. " +
			"The next command waits for the shell to come back. A machine started without `allow_reboot=True` has QEMU exit as the guest reboots: " +
			"`reboot` waits for that and starts QEMU again, with its disks as they were."},
		{Name: "wait_for_shutdown", Returns: "None", Doc: "Wait until the machine powers off. This does not ask the guest to shut down; see `shutdown`."},
		{Name: "switch_root", Returns: "None", Doc: "Leave the initrd for the real root file system and reconnect to the new root shell. " +
			"Needs a guest whose initrd runs the backdoor shell."},

		// Commands.
		{Name: "execute", Params: []Param{
			arg("command", "str", "", "Shell command line run by the guest's shell."),
			arg("check_return", "bool", "True", "Collect the exit status; when False the status returned is -1."),
			arg("check_output", "bool", "True", "Collect standard output; when False the command is sent and -2 and an empty string are returned at once."),
			arg("timeout", typeOptionalTimeout, "900", docCommandTimeout),
		}, Returns: "tuple[int, str]", Doc: "Run a shell command in the guest and return `(status, stdout)`. " +
			"Standard error goes to the guest console, not to the result. " +
			"A command that detaches must close its standard output, or `execute` waits for it."},
		{Name: "succeed", Params: []Param{
			varargs("commands", "str", "Commands run one after the other."),
			kwarg("timeout", typeOptionalTimeout, "None", "Seconds each command may run; None waits forever; 0 is an error."),
		}, Returns: "str", Doc: "Run shell commands in the guest, failing the test when one exits non-zero. " +
			"Returns the concatenated standard output of all commands."},
		{Name: "fail", Params: []Param{
			varargs("commands", "str", "Commands run one after the other."),
			kwarg("timeout", typeOptionalTimeout, "None", "Seconds each command may run; None waits forever; 0 is an error."),
		}, Returns: "str", Doc: "Run shell commands in the guest, failing the test when one exits with status zero. " +
			"Returns the concatenated standard output."},
		{Name: "wait_until_succeeds", Params: []Param{
			arg("command", "str", "", "Shell command retried once a second."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "str", Doc: "Repeat a shell command until it exits with status zero and return its output. " +
			"Fails the test when `timeout` seconds pass first."},
		{Name: "wait_until_fails", Params: []Param{
			arg("command", "str", "", "Shell command retried once a second."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "str", Doc: "Repeat a shell command until it exits non-zero and return its output. " +
			"Fails the test when `timeout` seconds pass first."},
		{Name: "sleep", Params: []Param{
			arg("secs", "int|float", "", "Seconds to sleep."),
		}, Returns: "None", Doc: "Sleep inside the guest, so the time passes on the guest's clock. Use `time.sleep` for the host's clock."},

		// systemd.
		{Name: "systemctl", Params: []Param{
			arg("q", "str", "", "Arguments of systemctl, e.g. `\"list-jobs --no-pager\"`."),
			arg("user", "str|None", "None", "Run `systemctl --user` as this user instead of the system manager."),
		}, Returns: "tuple[int, str]", Doc: "Run `systemctl` in the guest and return `(status, stdout)` like `execute`."},
		{Name: "wait_for_unit", Params: []Param{
			arg("unit", "str", "", "Unit name, e.g. `\"sshd.service\"`."),
			arg("user", "str|None", "None", "Wait for a unit of this user's manager."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until a systemd unit is active. " +
			"Fails early when the unit fails, or when it is inactive with no job pending."},
		{Name: "get_unit_info", Params: []Param{
			arg("unit", "str", "", "Unit name."),
			arg("user", "str|None", "None", "Ask this user's manager."),
		}, Returns: "dict[str, str]", Doc: "Return every property of a unit as `systemctl show` lists them."},
		{Name: "get_unit_property", Params: []Param{
			arg("unit", "str", "", "Unit name."),
			arg("property", "str", "", "Property name, e.g. `\"ActiveState\"`."),
			arg("user", "str|None", "None", "Ask this user's manager."),
		}, Returns: "str", Doc: "Return one property of a unit as `systemctl show --property` prints it."},
		{Name: "require_unit_state", Params: []Param{
			arg("unit", "str", "", "Unit name."),
			arg("require_state", "str", `"active"`, "Expected `ActiveState`."),
		}, Returns: "None", Doc: "Fail the test unless the unit is in the given state right now."},
		{Name: "start_job", Params: []Param{
			arg("jobname", "str", "", "Unit to start."),
			arg("user", "str|None", "None", "Use this user's manager."),
		}, Returns: "tuple[int, str]", Doc: "Start a systemd unit and return `(status, stdout)` of `systemctl start`."},
		{Name: "stop_job", Params: []Param{
			arg("jobname", "str", "", "Unit to stop."),
			arg("user", "str|None", "None", "Use this user's manager."),
		}, Returns: "tuple[int, str]", Doc: "Stop a systemd unit and return `(status, stdout)` of `systemctl stop`."},

		// Waiting for the guest.
		{Name: "wait_for_file", Params: []Param{
			arg("filename", "str", "", "Path in the guest."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until a path exists in the guest."},
		{Name: "wait_for_open_port", Params: []Param{
			arg("port", "int", "", "TCP port number."),
			arg("addr", "str", `"localhost"`, "Address to connect to, from inside the guest."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until something in the guest accepts TCP connections on the port."},
		{Name: "wait_for_closed_port", Params: []Param{
			arg("port", "int", "", "TCP port number."),
			arg("addr", "str", `"localhost"`, "Address to connect to, from inside the guest."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until nothing in the guest accepts TCP connections on the port."},
		{Name: "wait_for_open_unix_socket", Params: []Param{
			arg("addr", "str", "", "Path of the socket in the guest."),
			arg("is_datagram", "bool", "False", "Expect a datagram socket instead of a stream socket."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until something in the guest listens on the UNIX-domain socket."},

		// Serial console.
		{Name: "wait_for_console_text", Params: []Param{
			regexArg("regex", "Regular expression (Go syntax) searched in the console output."),
			arg("timeout", typeOptionalTimeout, "None", "Seconds before giving up; None waits until the global timeout; 0 checks once."),
		}, Returns: "None", Doc: "Wait until the serial console output matches a regular expression. " +
			"Output from before the call counts too, once; a match consumes it."},
		{Name: "get_console_log", Returns: "str", Doc: "Return everything the machine printed on its serial console since it booted."},
		{Name: "send_console", Params: []Param{
			arg("chars", "str", "", "Text sent as is, e.g. `\"\\n\\nsystemctl default\\n\"`."),
		}, Returns: "None", Doc: "Type text on the serial console, e.g. to drive an emergency shell."},

		// QEMU monitor.
		{Name: "send_monitor_command", Params: []Param{
			arg("command", "str", "", "HMP command line, e.g. `\"info status\"`."),
		}, Returns: "str", Doc: "Send a command to the QEMU human monitor and return its answer."},
		{Name: "wait_for_qmp_event", Params: []Param{
			arg("event_filter", "callable", "", "Called with each event as a dict; return True to accept it."),
			arg("timeout", typeTimeout, "600", docTimeout),
		}, Returns: "dict", Doc: "Wait for a QMP event that `event_filter` accepts and return it. " +
			"Events that arrive meanwhile and are not accepted are dropped."},
		{Name: "forward_port", Params: []Param{
			arg("host_port", "int", "8080", "TCP port on the host."),
			arg("guest_port", "int", "80", "TCP port in the guest."),
		}, Returns: "None", Doc: "Forward a host TCP port to a guest port through QEMU's user-mode network."},
		{Name: "block", Returns: "None", Doc: "Unplug the machine from its VLANs, as if its network cable were pulled. " +
			"Every network card QEMU has that is not on user-mode networking goes down, however the machine was started (declared or from a start script); " +
			"it is an error when there is none. The root shell and user-mode networking keep working."},
		{Name: "unblock", Returns: "None", Doc: "Plug the machine back into its VLANs after `block`: the links of the same network cards come back up."},

		// Keyboard and screen.
		{Name: "send_key", Params: []Param{
			arg("key", "str", "", "QEMU key name or combination, e.g. `\"ctrl-alt-delete\"`, or a single character."),
			arg("delay", "int|float|None", "0.01", "Seconds to wait after the key press."),
			arg("log", "bool", "True", "Log the key press."),
		}, Returns: "None", Doc: "Press a key on the virtual keyboard."},
		{Name: "send_chars", Params: []Param{
			arg("chars", "str", "", "Characters to type, e.g. `\"root\\n\"`."),
			arg("delay", "int|float|None", "0.01", "Seconds to wait after each key press."),
		}, Returns: "None", Doc: "Type a string on the virtual keyboard, one key press per character."},
		{Name: "screenshot", Params: []Param{
			arg("filename", "str", "", "File in the output directory, e.g. `\"login\"` or `\"boot/login.png\"`; `.png` is added when it has no extension. "+
				"A path outside the output directory is an error."),
		}, Returns: "None", Doc: "Save a PNG picture of the machine's display in the output directory."},
		{Name: "get_tty_text", Params: []Param{
			arg("tty", "int|str", "", "Virtual console number, e.g. `1` for `/dev/tty1`."),
		}, Returns: "str", Doc: "Return the text shown on a virtual console of the guest."},
		{Name: "wait_until_tty_matches", Params: []Param{
			arg("tty", "int|str", "", "Virtual console number."),
			regexArg("regexp", "Regular expression (Go syntax)."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until the text on a virtual console matches a regular expression."},
		{Name: "dump_tty_contents", Params: []Param{
			arg("tty", "int|str", "", "Virtual console number."),
		}, Returns: "None", Doc: "Write the text of a virtual console to the guest's journal, for debugging."},
		{Name: "get_screen_text", Returns: "str", Doc: "Read the text on the display by optical character recognition. " +
			"Needs `tesseract` on the host; fails with a clear error without it."},
		{Name: "get_screen_text_variants", Returns: "list[str]", Doc: "Read the display by optical character recognition several ways and return every reading. " +
			"Needs `tesseract` on the host."},
		{Name: "wait_for_text", Params: []Param{
			regexArg("regex", "Regular expression (Go syntax) searched in the screen text."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until the text read off the display matches a regular expression. " +
			"Needs `tesseract` on the host."},
		{Name: "wait_for_x", Params: []Param{
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until the guest's X server accepts connections."},
		{Name: "get_window_names", Returns: "list[str]", Doc: "Return the names of the guest's X11 windows (runs `xwininfo` in the guest)."},
		{Name: "wait_for_window", Params: []Param{
			regexArg("regexp", "Regular expression (Go syntax) matched against window names."),
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until an X11 window whose name matches the regular expression exists."},

		// Files.
		{Name: "copy_from_host", Params: []Param{
			arg("source", "str", "", "File or directory on the host; a relative path is read from the script's directory."),
			arg("target", "str", "", "Destination path in the guest."),
		}, Returns: "None", Doc: "Copy a file or directory from the host into the guest through the shared directory. " +
			"Symbolic links are copied as links."},
		{Name: "copy_from_host_via_shell", Params: []Param{
			arg("source", "str", "", "File on the host; a relative path is read from the script's directory."),
			arg("target", "str", "", "Destination path in the guest."),
		}, Returns: "None", Doc: "Copy a file from the host into the guest through the root shell. " +
			"Slower than `copy_from_host` but needs no shared directory."},
		{Name: "copy_from_machine", Params: []Param{
			arg("source", "str", "", "File or directory in the guest."),
			arg("target_dir", "str", `""`, "Directory under the output directory to copy into; a path outside it is an error."),
		}, Returns: "None", Doc: "Copy a file or directory from the guest into the output directory, replacing an earlier copy. " +
			"Symbolic links are followed in the guest and arrive as the files they point to, never as links; " +
			"a link that leads nowhere fails the copy."},
		{Name: "copy_from_vm", Params: []Param{
			arg("source", "str", "", "File or directory in the guest."),
			arg("target_dir", "str", `""`, "Directory under the output directory to copy into; a path outside it is an error."),
		}, Returns: "None", Deprecated: "copy_from_machine", Doc: "Old name of `copy_from_machine`."},

		// Interactive use.
		{Name: "shell_interact", Params: []Param{
			arg("address", "str|None", "None", "Connect the shell to this socat address instead of the terminal."),
		}, Returns: "None", Doc: "Hand the guest's root shell to the terminal, for writing tests interactively. " +
			"Not for unattended tests."},
		{Name: "console_interact", Returns: "None", Doc: "Forward the terminal to the machine's serial console until Ctrl-D. " +
			"Not for unattended tests."},
		{Name: "log", Params: []Param{
			arg("msg", "str", "", "Message."),
		}, Returns: "None", Doc: "Write a message to the test log, prefixed with the machine's name."},
		{Name: "nested", Params: nestedParams, Returns: "any", Doc: "Group steps under a heading in the log, prefixed with the machine's name: " +
			"the global `nested` for one machine (the NixOS driver's `with machine.nested(message):`)."},
	},
}

// vlanType is a virtual network joining machines.
var vlanType = &Type{
	Name: VLANType,
	Doc:  "A virtual network segment joining machines (a vde switch). Each is a global `vlanN`, and `vlans` lists them all.",
	Attrs: []*Attr{
		{Name: "nr", Type: "int", Doc: "The VLAN number, as in `--vlans` and the `vlans` option of machines."},
		{Name: "socket_dir", Type: "str", Doc: "Host directory of the switch's control socket."},
	},
}

// MachineIdent turns a machine name into the global that holds it, the way
// the NixOS driver does: a leading character that cannot start an identifier
// and every other character that cannot continue one become "_".
func MachineIdent(name string) string {
	var b strings.Builder
	for i, r := range name {
		letter := r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		digit := '0' <= r && r <= '9'
		if letter || (digit && i > 0) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
