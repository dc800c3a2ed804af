package lang

// globalFuncs are the builtin functions every script can call.
var globalFuncs = []*Func{
	// Machines.
	{Name: "start_all", Returns: "None", Doc: "Start every machine of the test at once, without waiting for them to boot."},
	{Name: "join_all", Returns: "None", Doc: "Wait until every machine of the test has powered off."},
	{Name: CreateMachine, Params: []Param{
		arg(CreateMachineName, "str", "", "Machine name; the machine also becomes a global of that name (made identifier-safe). "+
			"Write it as a string literal so `vmt lint` and editors know the machine before the script runs."),
		kwarg("memory_size", "int", "1024", "Memory in MiB (`virtualisation.memorySize`)."),
		kwarg("cores", "int", "1", "Virtual CPUs (`virtualisation.cores`)."),
		kwarg("kernel", "str|None", "None", "Kernel image on the host; None boots the host's own kernel."),
		kwarg("initrd", "str|None", "None", "Initramfs on the host; None with no kernel given uses the one vmt generates (busybox and the backdoor shell)."),
		kwarg("kernel_params", "list[str]", "[]", "Extra kernel command line parameters."),
		kwarg("disk_image", "str|None", "None", "Disk image on the host used as the root disk; it is not modified (writes go to an overlay in the state directory)."),
		kwarg("empty_disks", "list[int]", "[]", "Sizes in MiB of blank disks to attach (`virtualisation.emptyDiskImages`)."),
		kwarg("shared_dirs", "dict[str, str]", "{}", "Host directories to share, as guest mount point → host path (`virtualisation.sharedDirectories`)."),
		kwarg(CreateMachineVLANs, "list[int]", "[]", "VLAN numbers the machine is plugged into (`virtualisation.vlans`); none means user-mode networking only."),
		kwarg("forward_ports", "dict[int, int]", "{}", "Host TCP port → guest TCP port forwardings (`virtualisation.forwardPorts`)."),
		kwarg("qemu_flags", "list[str]", "[]", "Extra QEMU arguments (`virtualisation.qemu.options`)."),
		kwarg("rootfs", "str|None", "None", "A host directory shared read-only over 9p as the root of the guest's shell, \"/\" for the host's own "+
			"(as vmtest's `rootfs`): its programs run in the guest, `shared_dirs` are mounted inside it. The kernel (`kernel`, else the host's) boots with vmt's initramfs."),
		kwarg("arch", "str|None", "None", "Guest architecture, `x86_64` or `aarch64` (the `virt` machine, under TCG on another host); None is the host's."),
		kwarg("start_command", "str|None", "None", "A NixOS start script (`run-NAME-vm`) to run instead of building the QEMU command line from the options above."),
		kwarg("keep_machine_state", "bool", "False", "Keep the machine's state directory from a previous run instead of starting afresh."),
		kwarg("boot_timeout", "int|float|None", "None", "Seconds the machine may take from start to its backdoor shell; then the test fails, showing the last console lines. "+
			"None takes `vmt run --boot-timeout` (600 by default)."),
	}, Returns: "Machine", Doc: "Declare a machine in the script and return it; it boots when first used or on `start_all`. " +
		"Option names follow NixOS's `qemu-vm.nix`. With no `kernel`, `disk_image` or `start_command`, vmt boots the host's kernel with an initramfs it generates itself."},

	// Structure.
	{Name: "subtest", Params: []Param{
		arg("name", "str", "", "Name shown in the log and as the JUnit test case."),
		arg("fn", "callable|None", "None", "Function called with no arguments as the body of the subtest."),
	}, Returns: "any", Doc: "Group steps under a name in the log and in JUnit reports. " +
		"`subtest(name, fn)` runs `fn` as the subtest and returns its result. " +
		"`subtest(name)` opens a section that lasts until the next `subtest(name)`, `end_subtest()` or the end of the script, " +
		"and keeps module scope: names assigned inside stay visible after it. A failure is reported under the subtest's name."},
	{Name: "end_subtest", Returns: "None", Doc: "Close the section opened by `subtest(name)`. Does nothing when no section is open."},
	{Name: "nested", Params: nestedParams, Returns: "any", Doc: "Group steps under a heading in the log: indented in the terminal, nested in the XML log, " +
		"and ended with its duration (the NixOS driver's `with nested(message):`). " +
		"`nested(message, fn)` runs `fn` inside the block and returns its result; a failure inside fails the test as usual, and the block still ends. " +
		"`nested(message)` opens a block that lasts until `end_nested()`, or until the end of the subtest, block or script it was opened in. " +
		"Unlike a subtest, a block is not a JUnit test case."},
	{Name: "end_nested", Returns: "None", Doc: "End the block opened by `nested(message)`, and the subtest sections opened inside it. " +
		"Does nothing when no such block is open where it is called (a `subtest(name, fn)` or `nested(message, fn)` in progress hides the blocks opened outside it)."},
	{Name: "retry", Params: []Param{
		arg("fn", "callable", "", "Called once a second until it returns a true value. It receives `last_try` (True on the final call) when it takes one parameter."),
		arg("timeout", typeTimeout, "900", docTimeout),
	}, Returns: "None", Doc: "Call a function until it returns a true value, failing the test when `timeout` seconds pass first."},
	{Name: "polling_condition", Params: []Param{
		arg("fn", "callable", "", "Check called with no arguments; a false value or an error fails the test."),
		kwarg("seconds_interval", "int|float", "2.0", "Minimum seconds between two checks."),
		kwarg("description", "str|None", "None", "Name of the condition in the log and in failures; defaults to the function's name."),
	}, Returns: "PollingCondition", Doc: "Register a condition checked before every guest command and monitor call, at most every `seconds_interval` seconds. " +
		"It stays active until its `stop()` is called. The function form of the NixOS driver's `@polling_condition` with its `with` block."},
	{Name: "serial_stdout_on", Returns: "None", Doc: "Print the machines' serial console lines in the terminal log (the default)."},
	{Name: "serial_stdout_off", Returns: "None", Doc: "Stop printing serial console lines in the terminal log; they are still recorded."},

	// Logging.
	{Name: "log", Params: []Param{
		varargs("messages", "any", "Values joined with spaces."),
	}, Returns: "None", Doc: "Write a message to the test log."},
	{Name: "print", Params: []Param{
		varargs("args", "any", "Values joined with `sep`."),
		kwarg("sep", "str", `" "`, "Separator."),
	}, Returns: "None", Doc: "Write values to the test log, like `log`."},

	// Text.
	{Name: "format", Params: []Param{
		arg("value", "any", "", "An int, float or str (a bool counts as an int); any other value takes only the empty spec."),
		arg("spec", "str", `""`, "Python's format spec, e.g. `\".2f\"`, `\">8\"`, `\"08.3f\"`, `\",\"`, `\"#x\"`; empty gives `str(value)`."),
	}, Returns: "str", Doc: "Format a value the way Python's built-in `format()` does, with Python's format-spec mini-language: " +
		"`format(x, \".1f\")` is Python's `f\"{x:.1f}\"`, `\"%.1f\" % x` and `\"{:.1f}\".format(x)`, which Starlark's `%` and `str.format` refuse (they take no width, precision or flags). " +
		"The spec is `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`: " +
		"align `<` `>` `^`, or `=` to pad between the sign and the digits (numbers are right-aligned by default, strings left-aligned); " +
		"sign `+`, `-` or a space; `z` writes a negative zero as `0`; `#` adds `0b`/`0o`/`0x` to ints and keeps the point of floats; " +
		"`0` pads numbers with zeros after the sign; grouping `,` or `_` separates thousands (`_` every 4 digits with `b`, `o`, `x`, `X`); " +
		"the precision is the digits after the point (`f`, `e`, `%`), the significant digits (`g`, none), or the length a string is cut to. " +
		"Types for ints: `d`, `b`, `o`, `x`, `X`, `c` (the character), `n`, or none; for floats (and ints, converted): " +
		"`f`, `F`, `e`, `E`, `g`, `G`, `n`, `%` (times 100, with a percent sign), or none (`repr`, or `g` with a digit after the point when a precision is given); " +
		"for strings `s` or none. Floats are rounded from their exact binary value, ties to even, as Python does: `format(2.5, \".0f\")` is `\"2\"`. " +
		"A spec that does not parse or does not fit the value's type is an error naming both, like Python's `ValueError`."},

	// Assertions.
	{Name: "assert_eq", Params: []Param{
		arg("actual", "any", "", "Value computed by the test."),
		arg("expected", "any", "", "Value it must equal."),
		arg("msg", "str|None", "None", "Text prepended to the failure message."),
	}, Returns: "None", Doc: "Fail the test unless the two values are equal. Multi-line strings are shown as a line diff."},
	{Name: "assert_ne", Params: []Param{
		arg("actual", "any", "", "Value computed by the test."),
		arg("unexpected", "any", "", "Value it must differ from."),
		arg("msg", "str|None", "None", "Text prepended to the failure message."),
	}, Returns: "None", Doc: "Fail the test when the two values are equal."},
	{Name: "assert_true", Params: []Param{
		arg("cond", "any", "", "Value that must be true."),
		arg("msg", "str|None", "None", "Failure message."),
	}, Returns: "None", Doc: "Fail the test unless the value is true. Replaces Python's `assert cond, msg`."},
	{Name: "assert_false", Params: []Param{
		arg("cond", "any", "", "Value that must be false."),
		arg("msg", "str|None", "None", "Failure message."),
	}, Returns: "None", Doc: "Fail the test unless the value is false."},
	{Name: "assert_in", Params: []Param{
		arg("needle", "any", "", "Element or substring."),
		arg("haystack", "any", "", "String, list, tuple, dict or set to search."),
		arg("msg", "str|None", "None", "Text prepended to the failure message."),
	}, Returns: "None", Doc: "Fail the test unless `needle in haystack`. The failure shows the haystack."},
	{Name: "assert_not_in", Params: []Param{
		arg("needle", "any", "", "Element or substring."),
		arg("haystack", "any", "", "String, list, tuple, dict or set to search."),
		arg("msg", "str|None", "None", "Text prepended to the failure message."),
	}, Returns: "None", Doc: "Fail the test when `needle in haystack`. The failure shows where it was found."},
	{Name: "assert_fails", Params: []Param{
		arg("fn", "callable", "", "Function expected to fail."),
		varargs("args", "any", "Positional arguments for `fn`."),
		{Name: "match", Type: "str|None", Default: "None", Kind: KeywordOnly, Regexp: true, Doc: "Regular expression (Go syntax) the error message must match."},
		varkwargs("kwargs", "any", "Keyword arguments for `fn`."),
	}, Returns: "str", Doc: "Call `fn(*args, **kwargs)`, fail the test unless it fails, and return the error message. " +
		"Replaces Python's `with pytest.raises(...)` and `try`/`except` around a step that must fail, e.g. " +
		"`assert_fails(machine.succeed, \"false\")`."},
	{Name: "fail", Params: []Param{
		varargs("args", "any", "Values joined with `sep` into the message."),
		kwarg("sep", "str", `" "`, "Separator."),
	}, Returns: "None", Doc: "Fail the test with a message. Nothing after it runs."},
}

// nestedParams are the parameters of the global nested and of
// Machine.nested.
var nestedParams = []Param{
	arg("message", "str", "", "Heading of the block in the log."),
	arg("fn", "callable|None", "None", "Function called with no arguments inside the block; None opens a block that lasts until `end_nested()`."),
}

// globalValues are the values every script sees, whatever its machines.
var globalValues = []*Attr{
	{Name: "machines", Type: "list[Machine]", Doc: "Every machine of the test, in the order they were given or declared."},
	{Name: VLANsGlobal, Type: "list[VLan]", Doc: "Every VLAN of the test."},
	{Name: "re", Type: "re", Doc: "Regular expressions (Go syntax)."},
	{Name: "json", Type: "json", Doc: "JSON encoding and decoding."},
	{Name: "shlex", Type: "shlex", Doc: "Shell quoting and splitting."},
	{Name: "time", Type: "time", Doc: "The host's clock."},
	{Name: "host", Type: "host", Doc: "Host commands and temporary directories."},
	{Name: "url", Type: "url", Doc: "URL encoding."},
}

// perTestValues document the globals that depend on the test's machines.
var perTestValues = []*Attr{
	{Name: "<machine name>", Type: "Machine", Doc: "One global per machine, named after it with characters that cannot appear in an identifier replaced by `_` (`web-server` → `web_server`)."},
	{Name: MachineAlias, Type: "Machine", Doc: "The only machine, when the test has exactly one."},
	{Name: vlanPrefix + "<N>", Type: "VLan", Doc: "One global per VLAN, e.g. `vlan1`."},
}

// pollingConditionType is what polling_condition returns.
var pollingConditionType = &Type{
	Name: "PollingCondition",
	Doc:  "A condition registered by `polling_condition`, checked before every guest command and monitor call while it is active.",
	Attrs: []*Attr{
		{Name: "description", Type: "str", Doc: "The condition's name in the log."},
	},
	Methods: []*Func{
		{Name: "wait", Params: []Param{
			arg("timeout", typeTimeout, "900", docTimeout),
		}, Returns: "None", Doc: "Wait until the condition holds, checking it every `seconds_interval` seconds."},
		{Name: "stop", Returns: "None", Doc: "Deactivate the condition; later commands no longer check it."},
	},
}
