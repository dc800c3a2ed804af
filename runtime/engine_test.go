package runtime

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestMissingRoleIsAnErrorOfTheCall(t *testing.T) {
	for src, want := range map[string]string{
		`alpha.screenshot("x")`:           "machine alpha's engine cannot use a screen or keyboard",
		`alpha.send_monitor_command("x")`: "machine alpha's engine cannot take monitor commands",
		`alpha.get_console_log()`:         "machine alpha's engine cannot use a serial console",
		`alpha.shutdown()`:                "machine alpha's engine cannot shut down, crash or reboot",
		`join_all()`:                      "machine alpha's engine cannot shut down, crash or reboot",
		`alpha.block()`:                   "machine alpha's engine cannot change its network",
		`alpha.copy_from_host("engine_test.go", "/tmp/x")`: "machine alpha's engine cannot share directories with the host",
	} {
		err, _, _ := fakeRun(t, src+"\n", nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error saying %q", src, err, want)
		}
	}
}

func TestAttributesOfMissingRoles(t *testing.T) {
	src := `assert_eq(alpha.state_dir, "")
assert_eq(alpha.connected, False)
alpha.succeed("true")
assert_eq(alpha.connected, True)
`
	if err, _, _ := fakeRun(t, src, nil); err != nil {
		t.Fatal(err)
	}
}

// eventsEngine is the fake with a monitor that has received events.
type eventsEngine struct {
	*fakeEngine
	events []MonitorEvent
}

func (e *eventsEngine) SendMonitorCommand(context.Context, string) (string, error) { return "", nil }

func (e *eventsEngine) WaitForMonitorEvent(ctx context.Context, timeout time.Duration) (MonitorEvent, error) {
	if len(e.events) == 0 {
		return MonitorEvent{}, ErrTimeout
	}
	ev := e.events[0]
	e.events = e.events[1:]
	return ev, nil
}

func TestMonitorEventsAsDicts(t *testing.T) {
	stop := MonitorEvent{Name: "STOP", Time: time.Unix(1700000000, 123456000)}
	shutdown := MonitorEvent{Name: "SHUTDOWN", Data: map[string]any{"guest": true, "reason": "guest-shutdown"}, Time: time.Unix(1700000001, 0)}
	src := `event = alpha.wait_for_qmp_event(lambda e: e["event"] == "SHUTDOWN", timeout=5)
assert_eq(event, {"event": "SHUTDOWN", "data": {"guest": True, "reason": "guest-shutdown"}, "timestamp": {"seconds": 1700000001, "microseconds": 0}})
`
	err, _, _ := fakeRun(t, src, func(o *Options) {
		o.Backend.(*fakeBackend).withRoles = func(f *fakeEngine) Engine {
			return &eventsEngine{f, []MonitorEvent{stop, shutdown}}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	src = `alpha.wait_for_qmp_event(lambda e: [print(e["timestamp"]), False][1], timeout=0)`
	err, term, _ := fakeRun(t, src, func(o *Options) {
		o.Backend.(*fakeBackend).withRoles = func(f *fakeEngine) Engine {
			return &eventsEngine{f, []MonitorEvent{stop}}
		}
	})
	if err == nil || !strings.Contains(err.Error(), "timed out at once") {
		t.Errorf("got %v, want a timeout at once after the one event", err)
	}
	if !strings.Contains(term, `{"seconds": 1700000000, "microseconds": 123456}`) {
		t.Errorf("the STOP event's timestamp is not in the log:\n%s", term)
	}
}
