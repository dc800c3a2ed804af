package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interruptible returns a context cancelled when vmt receives SIGINT or
// SIGTERM, the signal named in its cause, and calls heard (if not nil)
// first; stop releases the signals.
func interruptible(heard func(os.Signal)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-signals:
			if heard != nil {
				heard(sig)
			}
			cancel(fmt.Errorf("%s received", sig))
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(signals)
		cancel(nil)
	}
}
