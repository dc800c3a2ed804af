package qemu

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// attach accepts QEMU's connections to the shell and monitor sockets and
// connects to QMP.
func (m *Machine) attach(sockets map[string]net.Listener, exited, attached chan struct{}) {
	conns := map[string]net.Conn{}
	var err error
	for _, name := range []string{"monitor", "qmp", "shell", "data"} {
		var c net.Conn
		c, err = acceptOrExit(sockets[name], exited, m.cfg.BootTimeout)
		if err != nil {
			err = fmt.Errorf("waiting for QEMU to connect to the %s socket: %w", name, err)
			break
		}
		conns[name] = c
	}
	var q *qmpMonitor
	h := &hmpMonitor{conn: conns["monitor"]}
	if err == nil {
		if err = h.connect(); err == nil {
			q = newQMPMonitor(conns["qmp"])
			q.onEvent = func(ev qmp.Event) { m.watchShell(ev); m.watchAgent(ev) }
			err = q.Connect()
		}
	}
	if err != nil {
		for _, c := range conns {
			c.Close()
		}
		err = m.startFailure(err, exited)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.attachErr = err
	} else {
		m.hmp, m.qmp = h, q
		m.shell = &shell{conn: conns["shell"], data: conns["data"], guestGone: m.guestGone, logf: func(msg string) { m.logf("%s", msg) }}
	}
	m.closeListenersLocked()
	close(attached)
}

func acceptOrExit(l net.Listener, exited chan struct{}, timeout time.Duration) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		ch <- result{c, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	giveUp := func(err error) (net.Conn, error) {
		l.Close()
		if r := <-ch; r.c != nil {
			r.c.Close() // accepted just as we gave up
		}
		return nil, err
	}
	select {
	case r := <-ch:
		return r.c, r.err
	case <-exited:
		return giveUp(errors.New("QEMU exited"))
	case <-t.C:
		return giveUp(fmt.Errorf("%w after %s", ErrTimeout, timeout))
	}
}
