// Package runtime runs vmt test scripts: it binds every entry of the
// lang symbol table to a Go implementation, and drives the test — its
// machines and VLANs, subtests, retries and polling conditions, the global
// timeout, the terminal and XML logs, JUnit reports and failure reports.
//
// The machines themselves are the engine's (package qemu); the runtime
// reaches them through the Engine interface and its roles (engine.go),
// and qemu.go, the only file that imports package qemu, adapts them.
package runtime
