package suite

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/qemu"
	"go.starlark.net/syntax"
)

const (
	// OverheadMB is what one QEMU takes beyond its guest's memory: TCG's
	// translation cache, device models, the process itself.
	OverheadMB = 256
	// ReserveMB of the available memory is left to the host.
	ReserveMB = 1024
)

// NeedMB estimates the memory a test takes: each create_machine call of
// the script (its memory_size, or qemu.DefaultMemoryMB when none is
// written as a number) and each of startScripts machines (their memory is
// not known before they start: the default), plus OverheadMB for each.
// A call in a loop counts once; a script that does not parse needs
// nothing, for it boots nothing.
func NeedMB(filename string, src []byte, startScripts int) int {
	need := startScripts * (qemu.DefaultMemoryMB + OverheadMB)
	file := analysis.Analyze(filename, src, analysis.Config{}).File
	if file == nil {
		return need
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		if id, ok := analysis.Unparen(call.Fn).(*syntax.Ident); ok && id.Name == lang.CreateMachine {
			need += memorySize(call) + OverheadMB
		}
		return true
	})
	return need
}

// memorySize is the memory_size=N of a create_machine call, or the
// default.
func memorySize(call *syntax.CallExpr) int {
	for _, arg := range call.Args {
		bin, ok := arg.(*syntax.BinaryExpr)
		if !ok || bin.Op != syntax.EQ {
			continue
		}
		if kw, ok := bin.X.(*syntax.Ident); !ok || kw.Name != "memory_size" {
			continue
		}
		if lit, ok := analysis.Unparen(bin.Y).(*syntax.Literal); ok && lit.Token == syntax.INT {
			if mb, ok := lit.Value.(int64); ok && mb > 0 && mb < 1<<30 {
				return int(mb)
			}
		}
	}
	return qemu.DefaultMemoryMB
}

// MemoryBudgetMB is the memory tests may take: MemAvailable of
// /proc/meminfo less ReserveMB, at least 1 MiB (with less, every test
// runs alone).
func MemoryBudgetMB() (int, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("reading the available memory: %w", err)
	}
	defer f.Close()
	avail, err := memAvailableMB(f)
	if err != nil {
		return 0, err
	}
	return max(avail-ReserveMB, 1), nil
}

// memAvailableMB reads MemAvailable (in kB) from a /proc/meminfo.
func memAvailableMB(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, err := strconv.Atoi(fields[1])
			if err != nil {
				return 0, fmt.Errorf("/proc/meminfo: MemAvailable %q is not a number", fields[1])
			}
			return kb / 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading /proc/meminfo: %w", err)
	}
	return 0, fmt.Errorf("/proc/meminfo has no MemAvailable line")
}
