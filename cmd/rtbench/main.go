// Command rtbench is a cyclictest-style latency benchmark: one SCHED_FIFO
// thread per CPU wakes up periodically at absolute times and records how
// late it woke; targets and baselines turn the histograms into verdicts.
// main only wires: it re-executes itself with asynchronous preemption off
// (the Go runtime's preemption signals would cut the sleeps short), parses
// the flags and maps the outcome to an exit code.
//
// Exit codes: 0 targets met, 1 a target missed or a regression, 2 bad
// flags, 3 refused to judge against a baseline (hypervisor steal), 4 the
// measurement could not run.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rtnode/rtnode/pkg/rt"
)

const workerArg = "__rtbench_load_worker"

func main() {
	if len(os.Args) > 1 && os.Args[1] == workerArg {
		if err := rt.RunWorkers(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "rtbench load worker:", err)
			os.Exit(4)
		}
		return
	}
	if !strings.Contains(os.Getenv("GODEBUG"), "asyncpreemptoff=1") {
		reexec()
	}
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtbench: "+err.Error())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code, err := run(ctx, opts, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtbench: "+err.Error())
	}
	os.Exit(code)
}

// reexec runs the binary again with asynchronous preemption off: the
// runtime reads GODEBUG once, at start.
func reexec() {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtbench: find own executable:", err)
		os.Exit(4)
	}
	env := append(os.Environ(), "GODEBUG="+strings.TrimPrefix(os.Getenv("GODEBUG")+",asyncpreemptoff=1", ","))
	err = syscall.Exec(self, os.Args, env)
	fmt.Fprintln(os.Stderr, "rtbench: re-exec without async preemption:", err)
	os.Exit(4)
}
