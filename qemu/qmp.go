package qemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// qmpMonitor is a QMP connection implementing go-qemu's qmp.Monitor, so
// go-qemu's generated commands (qmp/raw) run over it. Unlike go-qemu's
// SocketMonitor it has no reply size limit (it decodes the stream instead
// of scanning lines), tags every command with an id so that a stray reply
// or an event arriving around the handshake is never taken for the answer
// to a later command, and buffers events for waitEvent.
type qmpMonitor struct {
	conn net.Conn
	dec  *json.Decoder

	writeMu sync.Mutex
	mu      sync.Mutex
	nextID  int
	waiting map[string]chan qmpReply
	events  []qmp.Event
	evNew   chan struct{} // closed and replaced when an event arrives
	readErr error
	// onEvent, if set before Connect, sees every event as it arrives.
	onEvent func(qmp.Event)
}

type qmpReply struct {
	raw json.RawMessage
	err error
}

// qmpMessage is any message QEMU sends: greeting, reply or event.
type qmpMessage struct {
	QMP    json.RawMessage `json:"QMP"`
	ID     json.RawMessage `json:"id"`
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
	Event string `json:"event"`
}

func newQMPMonitor(conn net.Conn) *qmpMonitor {
	return &qmpMonitor{conn: conn, dec: json.NewDecoder(conn), waiting: map[string]chan qmpReply{}, evNew: make(chan struct{})}
}

var _ qmp.Monitor = (*qmpMonitor)(nil)

// Connect reads the greeting, starts the reader and negotiates capabilities.
func (m *qmpMonitor) Connect() error {
	m.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var greeting qmpMessage
	if err := m.dec.Decode(&greeting); err != nil {
		return fmt.Errorf("QMP greeting: %w", err)
	}
	m.conn.SetReadDeadline(time.Time{})
	if greeting.QMP == nil {
		return errors.New("QMP greeting missing: is this a QMP socket?")
	}
	go m.read()
	_, err := m.Run([]byte(`{"execute":"qmp_capabilities"}`))
	return err
}

// Disconnect closes the connection; waiting commands fail.
func (m *qmpMonitor) Disconnect() error { return m.conn.Close() }

// Events is not used: events are buffered and read with waitEvent.
func (m *qmpMonitor) Events(context.Context) (<-chan qmp.Event, error) {
	return nil, qmp.ErrEventsNotSupported
}

func (m *qmpMonitor) read() {
	for {
		var raw json.RawMessage
		err := m.dec.Decode(&raw)
		var msg qmpMessage
		if err == nil {
			if uerr := json.Unmarshal(raw, &msg); uerr != nil {
				// Fields of unexpected types: still answer the waiter.
				var tagged struct{ ID string }
				if json.Unmarshal(raw, &tagged) == nil && tagged.ID != "" {
					m.deliver(tagged.ID, qmpReply{err: fmt.Errorf("malformed QMP reply %s: %v", raw, uerr)})
				}
				continue
			}
		}
		var notify *qmp.Event // given to onEvent once the lock is released
		m.mu.Lock()
		if err != nil {
			m.readErr = fmt.Errorf("QMP connection closed: %w", err)
			for id, ch := range m.waiting {
				ch <- qmpReply{err: m.readErr}
				delete(m.waiting, id)
			}
			close(m.evNew)
			m.evNew = make(chan struct{})
			m.mu.Unlock()
			return
		}
		switch {
		case msg.Event != "":
			var ev qmp.Event
			if json.Unmarshal(raw, &ev) == nil {
				m.events = append(m.events, ev)
				close(m.evNew)
				m.evNew = make(chan struct{})
				if m.onEvent != nil {
					notify = &ev
				}
			}
		case msg.ID != nil:
			var id string
			json.Unmarshal(msg.ID, &id)
			reply := qmpReply{raw: raw}
			if msg.Error != nil {
				reply.err = fmt.Errorf("QMP error %s: %s", msg.Error.Class, msg.Error.Desc)
			}
			m.deliverLocked(id, reply)
		}
		// Replies without an id are not ours to match; they are dropped.
		m.mu.Unlock()
		if notify != nil {
			m.onEvent(*notify)
		}
	}
}

func (m *qmpMonitor) deliver(id string, r qmpReply) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deliverLocked(id, r)
}

func (m *qmpMonitor) deliverLocked(id string, r qmpReply) {
	if ch, ok := m.waiting[id]; ok {
		delete(m.waiting, id)
		ch <- r
	}
}

// qmpTimeout bounds a QMP command when the caller's context does not.
const qmpTimeout = time.Minute

// Run sends one command (a JSON object with "execute") and returns QEMU's
// whole reply, as go-qemu's raw package expects. It waits at most qmpTimeout.
func (m *qmpMonitor) Run(command []byte) ([]byte, error) {
	return m.runCtx(context.Background(), command)
}

// runCtx is Run bounded by ctx as well.
func (m *qmpMonitor) runCtx(ctx context.Context, command []byte) ([]byte, error) {
	var cmd map[string]json.RawMessage
	if err := json.Unmarshal(command, &cmd); err != nil {
		return nil, fmt.Errorf("QMP command is not a JSON object: %w", err)
	}
	m.mu.Lock()
	if m.readErr != nil {
		m.mu.Unlock()
		return nil, m.readErr
	}
	m.nextID++
	id := "vmt-" + strconv.Itoa(m.nextID)
	ch := make(chan qmpReply, 1)
	m.waiting[id] = ch
	m.mu.Unlock()
	cmd["id"], _ = json.Marshal(id)
	data, _ := json.Marshal(cmd)
	m.writeMu.Lock()
	_, err := m.conn.Write(append(data, '\n'))
	m.writeMu.Unlock()
	if err != nil {
		m.mu.Lock()
		delete(m.waiting, id)
		m.mu.Unlock()
		return nil, fmt.Errorf("sending QMP command: %w", err)
	}
	t := time.NewTimer(qmpTimeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.raw, r.err
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
		err = fmt.Errorf("no QMP reply: %w after %s", ErrTimeout, qmpTimeout)
	}
	m.mu.Lock()
	delete(m.waiting, id)
	m.mu.Unlock()
	return nil, err
}

// execute runs a command by name with arguments and returns its "return" value.
func (m *qmpMonitor) execute(ctx context.Context, name string, args any) (json.RawMessage, error) {
	cmd := map[string]any{"execute": name}
	if args != nil {
		cmd["arguments"] = args
	}
	data, err := json.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("QMP arguments of %s: %w", name, err)
	}
	raw, err := m.runCtx(ctx, data)
	if err != nil {
		return nil, err
	}
	var reply qmpMessage
	if err := json.Unmarshal(raw, &reply); err != nil {
		return nil, err
	}
	return reply.Return, nil
}

// waitEvent returns the first buffered event (oldest first) that match
// accepts, removing it from the buffer; it waits for new events until the
// timeout.
func (m *qmpMonitor) waitEvent(ctx context.Context, match func(qmp.Event) bool, timeout time.Duration) (qmp.Event, error) {
	expired, stop := expiry(timeout)
	defer stop()
	for {
		m.mu.Lock()
		for i, ev := range m.events {
			if match(ev) {
				m.events = append(m.events[:i], m.events[i+1:]...)
				m.mu.Unlock()
				return ev, nil
			}
		}
		if m.readErr != nil {
			err := m.readErr
			m.mu.Unlock()
			return qmp.Event{}, err
		}
		changed := m.evNew
		m.mu.Unlock()
		select {
		case <-changed:
		case <-expired:
			return qmp.Event{}, fmt.Errorf("QMP event: %w after %s", ErrTimeout, timeout)
		case <-ctx.Done():
			return qmp.Event{}, ctx.Err()
		}
	}
}
