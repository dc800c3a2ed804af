package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/lsp"
)

// lspMessage frames a JSON-RPC body for the wire.
func lspMessage(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

const (
	initializeRequest = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`
	shutdownRequest   = `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`
	exitNotification  = `{"jsonrpc":"2.0","method":"exit"}`
)

func TestLSPOverStdio(t *testing.T) {
	stdin := lspMessage(initializeRequest) + lspMessage(shutdownRequest) + lspMessage(exitNotification)
	stdout, stderr, code := runVerb(t, stdin, "lsp")
	if code != exitOK {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, `"name":"vmt"`) || !strings.Contains(stdout, `"id":2`) {
		t.Errorf("stdout lacks the initialize and shutdown responses: %q", stdout)
	}
}

func TestLSPClientLeavingWithoutShutdown(t *testing.T) {
	_, stderr, code := runVerb(t, lspMessage(initializeRequest), "lsp")
	if code != exitFailed || !strings.Contains(stderr, "without a shutdown request") {
		t.Errorf("exit status %d and stderr %q, want %d and the missing shutdown named", code, stderr, exitFailed)
	}
}

func TestLSPListenRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:7777", ":7777", "192.0.2.1:7777", "example.com:7777", "nonsense"} {
		_, stderr, code := runVerb(t, "", "lsp", "--listen", addr)
		if code != exitUsage || !strings.Contains(stderr, "--listen") {
			t.Errorf("--listen %s: exit status %d and stderr %q, want a usage error naming --listen", addr, code, stderr)
		}
	}
}

// TestLSPListenOnLoopback serves a TCP client on 127.0.0.1.
func TestLSPListenOnLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	announce, announced := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- serveLoopback(ctx, announced, "127.0.0.1:0", lsp.Options{}, nil)
		announced.Close()
	}()
	line, err := bufio.NewReader(announce).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the announced address: %v", err)
	}
	go io.Copy(io.Discard, announce)
	addr := strings.TrimSpace(strings.TrimPrefix(line, "vmt lsp: listening on "))
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, lspMessage(initializeRequest)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply := make([]byte, 4096)
	n, err := conn.Read(reply)
	if err != nil || !strings.Contains(string(reply[:n]), `"id":1`) {
		t.Fatalf("no initialize response over TCP: %q, %v", reply[:n], err)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serving ended with %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the listener did not stop after cancel")
	}
}

// TestLSPMachinesFromStartScripts checks that the server knows machines
// the way vmt lint does: here from a NixOS start script's name.
func TestLSPMachinesFromStartScripts(t *testing.T) {
	stdin := lspMessage(initializeRequest) +
		lspMessage(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///t.star","languageId":"vmt","version":1,"text":"we"}}}`) +
		lspMessage(`{"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///t.star"},"position":{"line":0,"character":2}}}`) +
		lspMessage(shutdownRequest) + lspMessage(exitNotification)
	stdout, stderr, code := runVerb(t, stdin, "lsp", "--start-scripts", "/nix/store/x/bin/run-webserver-vm")
	if code != exitOK {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, `"label":"webserver","kind":6,"detail":"Machine"`) {
		t.Errorf("completion lacks the machine webserver: %q", stdout)
	}
}
