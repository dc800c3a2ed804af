package runtime

import (
	"go.starlark.net/starlark"
)

// call is one call of a builtin: its thread, the driver and its
// arguments matched to the lang entry.
type call struct {
	thread *starlark.Thread
	d      *driver
	args   *args
}

// globalImpl implements a global function or a module function.
type globalImpl = func(c *call) (starlark.Value, error)

// The tables below bind every entry of lang.Default to its Go
// implementation; TestEveryEntryIsBound checks that they match exactly.

// globalFuncs implement lang's global builtin functions.
var globalFuncs = map[string]globalImpl{
	"start_all":         startAll,
	"join_all":          joinAll,
	"create_machine":    createMachine,
	"subtest":           subtestBuiltin,
	"end_subtest":       endSubtest,
	"nested":            nestedGlobal,
	"end_nested":        endNested,
	"retry":             retryBuiltin,
	"polling_condition": newPollingCondition,
	"serial_stdout_on":  serialStdoutOn,
	"serial_stdout_off": serialStdoutOff,
	"log":               logBuiltin,
	"print":             printBuiltin,
	"format":            formatBuiltin,
	"assert_eq":         assertEq,
	"assert_ne":         assertNe,
	"assert_true":       assertTrue,
	"assert_false":      assertFalse,
	"assert_in":         assertIn,
	"assert_not_in":     assertNotIn,
	"assert_fails":      assertFails,
	"fail":              failBuiltin,
}

// globalValues make lang's global values for one test.
var globalValues = map[string]func(d *driver) starlark.Value{
	"machines": func(d *driver) starlark.Value { return frozenList(d.machines) },
	"vlans":    func(d *driver) starlark.Value { return d.vlansValue },
	"re":       func(d *driver) starlark.Value { return makeModule(d, "re") },
	"json":     func(d *driver) starlark.Value { return makeModule(d, "json") },
	"shlex":    func(d *driver) starlark.Value { return makeModule(d, "shlex") },
	"time":     func(d *driver) starlark.Value { return makeModule(d, "time") },
	"host":     func(d *driver) starlark.Value { return makeModule(d, "host") },
	"url":      func(d *driver) starlark.Value { return makeModule(d, "url") },
}

// machineMethods implement the methods of lang's Machine type.
var machineMethods = map[string]func(m *Machine, c *call) (starlark.Value, error){
	"start":                     machineStart,
	"connect":                   machineConnect,
	"is_up":                     machineIsUp,
	"shutdown":                  machineShutdown,
	"crash":                     machineCrash,
	"reboot":                    machineReboot,
	"wait_for_shutdown":         machineWaitForShutdown,
	"switch_root":               machineSwitchRoot,
	"execute":                   machineExecute,
	"succeed":                   machineSucceed,
	"fail":                      machineFail,
	"wait_until_succeeds":       machineWaitUntilSucceeds,
	"wait_until_fails":          machineWaitUntilFails,
	"sleep":                     machineSleep,
	"systemctl":                 machineSystemctl,
	"wait_for_unit":             machineWaitForUnit,
	"get_unit_info":             machineGetUnitInfo,
	"get_unit_property":         machineGetUnitProperty,
	"require_unit_state":        machineRequireUnitState,
	"start_job":                 machineStartJob,
	"stop_job":                  machineStopJob,
	"wait_for_file":             machineWaitForFile,
	"wait_for_open_port":        machineWaitForOpenPort,
	"wait_for_closed_port":      machineWaitForClosedPort,
	"wait_for_open_unix_socket": machineWaitForOpenUnixSocket,
	"wait_for_console_text":     machineWaitForConsoleText,
	"get_console_log":           machineGetConsoleLog,
	"send_console":              machineSendConsole,
	"send_monitor_command":      machineSendMonitorCommand,
	"wait_for_qmp_event":        machineWaitForQMPEvent,
	"forward_port":              machineForwardPort,
	"block":                     machineBlock,
	"unblock":                   machineUnblock,
	"send_key":                  machineSendKey,
	"send_chars":                machineSendChars,
	"screenshot":                machineScreenshot,
	"get_tty_text":              machineGetTTYText,
	"wait_until_tty_matches":    machineWaitUntilTTYMatches,
	"dump_tty_contents":         machineDumpTTYContents,
	"get_screen_text":           machineGetScreenText,
	"get_screen_text_variants":  machineGetScreenTextVariants,
	"wait_for_text":             machineWaitForText,
	"wait_for_x":                machineWaitForX,
	"get_window_names":          machineGetWindowNames,
	"wait_for_window":           machineWaitForWindow,
	"copy_from_host":            machineCopyFromHost,
	"copy_from_host_via_shell":  machineCopyFromHostViaShell,
	"copy_from_machine":         machineCopyFromMachine,
	"copy_from_vm":              machineCopyFromMachine,
	"shell_interact":            machineShellInteract,
	"console_interact":          machineConsoleInteract,
	"log":                       machineLog,
	"nested":                    machineNested,
}

// machineAttrs implement the attributes of lang's Machine type.
var machineAttrs = map[string]func(m *Machine) starlark.Value{
	"name":       func(m *Machine) starlark.Value { return starlark.String(m.name) },
	"booted":     func(m *Machine) starlark.Value { return starlark.Bool(m.engine != nil && m.engine.Booted()) },
	"connected":  func(m *Machine) starlark.Value { return starlark.Bool(shellUp(m.engine)) },
	"state_dir":  func(m *Machine) starlark.Value { return hostDir(m, HostDirs.StateDir) },
	"shared_dir": func(m *Machine) starlark.Value { return hostDir(m, HostDirs.SharedDir) },
}

// hostDir reads a directory of the engine; "" before create_machine, or
// for an engine without directories on the host.
func hostDir(m *Machine, get func(HostDirs) string) starlark.Value {
	dirs, ok := m.engine.(HostDirs)
	if !ok {
		return starlark.String("")
	}
	return starlark.String(get(dirs))
}

// vlanAttrs implement the attributes of lang's VLan type.
var vlanAttrs = map[string]func(v *VLAN) starlark.Value{
	"nr":         func(v *VLAN) starlark.Value { return starlark.MakeInt(v.nr) },
	"socket_dir": func(v *VLAN) starlark.Value { return starlark.String(v.engine.SocketDir()) },
}

// pollingMethods and pollingAttrs implement lang's PollingCondition type.
var pollingMethods = map[string]func(p *pollingCondition, c *call) (starlark.Value, error){
	"wait": pollingWait,
	"stop": pollingStop,
}

var pollingAttrs = map[string]func(p *pollingCondition) starlark.Value{
	"description": func(p *pollingCondition) starlark.Value { return starlark.String(p.description) },
}

// matchMethods and matchAttrs implement lang's Match type.
var matchMethods = map[string]func(m *match, c *call) (starlark.Value, error){
	"group":     matchGroup,
	"groups":    matchGroups,
	"groupdict": matchGroupDict,
	"start":     matchStart,
	"end":       matchEnd,
}

var matchAttrs = map[string]func(m *match) starlark.Value{
	"string": func(m *match) starlark.Value { return starlark.String(m.text) },
}

// patternMethods and patternAttrs implement lang's Pattern type: the re
// functions of the same names, given the compiled pattern.
var patternMethods = map[string]func(p *pattern, c *call) (starlark.Value, error){
	"search":    patternMethod(reSearch),
	"match":     patternMethod(reMatch),
	"fullmatch": patternMethod(reFullMatch),
	"findall":   patternMethod(reFindAll),
	"sub":       patternMethod(reSub),
	"split":     patternMethod(reSplit),
}

var patternAttrs = map[string]func(p *pattern) starlark.Value{
	"pattern": func(p *pattern) starlark.Value { return starlark.String(p.re.String()) },
}

// hostResultAttrs implement lang's HostResult type.
var hostResultAttrs = map[string]func(r *hostResult) starlark.Value{
	"status": func(r *hostResult) starlark.Value { return starlark.MakeInt(r.status) },
	"stdout": func(r *hostResult) starlark.Value { return starlark.String(r.stdout) },
	"stderr": func(r *hostResult) starlark.Value { return starlark.String(r.stderr) },
}

// moduleFuncs implement the functions of lang's modules.
var moduleFuncs = map[string]map[string]globalImpl{
	"re": {
		"search":    withPattern(reSearch),
		"match":     withPattern(reMatch),
		"fullmatch": withPattern(reFullMatch),
		"findall":   withPattern(reFindAll),
		"sub":       withPattern(reSub),
		"split":     withPattern(reSplit),
		"escape":    reEscape,
		"compile":   reCompile,
	},
	"json": {
		"dumps": jsonDumps,
		"loads": jsonLoads,
	},
	"shlex": {
		"quote": shlexQuote,
		"split": shlexSplit,
		"join":  shlexJoin,
	},
	"time": {
		"time":      timeTime,
		"monotonic": timeMonotonic,
		"sleep":     timeSleep,
	},
	"host": {
		"run":     hostRun,
		"tempdir": hostTempdir,
	},
	"url": {
		"encode_query": urlEncodeQuery,
		"quote":        urlQuote,
	},
}
