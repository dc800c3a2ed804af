package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/lsp"
)

func init() {
	var listen string
	// Machine names resolve as for vmt lint: --machines, --start-scripts,
	// the startScripts environment variable, then each script's directive.
	var machines machineFlags
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Serve completion, hover and diagnostics to editors (Language Server Protocol)",
		Long: "vmt lsp is a language server for vmt test scripts (*.star). It speaks LSP on\n" +
			"standard input and output; editors start it themselves (see editors/README.md).\n" +
			"With --listen it serves TCP connections on a loopback address instead.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := lsp.Options{Machines: machines.names()}
			logger := log.New(cmd.ErrOrStderr(), "vmt lsp: ", 0)
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if listen != "" {
				return serveLoopback(ctx, cmd.ErrOrStderr(), listen, opts, logger)
			}
			conn := stdioConn{in: cmd.InOrStdin(), out: cmd.OutOrStdout()}
			if err := lsp.Serve(ctx, conn, opts, logger); err != nil {
				return &exitError{exitFailed, err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "serve TCP connections on this loopback address (e.g. 127.0.0.1:7777) instead of stdio")
	machines.add(cmd.Flags())
	root.AddCommand(cmd)
}

// serveLoopback serves LSP on a TCP address, refusing any address that is
// not a loopback one: the server reads scripts and must not be reachable
// from the network.
func serveLoopback(ctx context.Context, stderr io.Writer, addr string, opts lsp.Options, logger *log.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("--listen %q: %v; give HOST:PORT such as 127.0.0.1:7777", addr, err)}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return &exitError{exitUsage, fmt.Errorf("--listen %q: not a loopback address; the language server listens on 127.0.0.1, [::1] or localhost only", addr)}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("--listen %q: %v", addr, err)}
	}
	fmt.Fprintf(stderr, "vmt lsp: listening on %s\n", l.Addr())
	if err := lsp.ServeListener(ctx, l, opts, logger); err != nil {
		return &exitError{exitFailed, err}
	}
	return nil
}

// stdioConn joins standard input and output into the connection LSP runs
// on.
type stdioConn struct {
	in  io.Reader
	out io.Writer
}

func (c stdioConn) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c stdioConn) Write(p []byte) (int, error) { return c.out.Write(p) }

// Close closes standard input when it can, which ends the reading loop.
func (c stdioConn) Close() error {
	if closer, ok := c.in.(io.Closer); ok {
		if err := closer.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			return err
		}
	}
	return nil
}
