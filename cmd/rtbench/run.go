package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/apply"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/rt"
	"github.com/rtnode/rtnode/pkg/topology"
)

// histKeep is the histogram size always kept (µs).
const histKeep = 10000

// run measures and judges; it returns the exit code and, for codes 2 and
// 4, the error to print.
func run(ctx context.Context, o *options, out io.Writer) (int, error) {
	root, err := hostfs.New("/")
	if err != nil {
		return 4, err
	}
	m, err := discover.New(root, nil).WithoutDevices().Discover(ctx)
	if err != nil {
		return 4, err
	}
	place := apply.NewPlacement(root, m)
	cpus := o.affinity
	if !o.hasAffinity {
		cpus = defaultCPUs(place.Isolated, m.OnlineCPUs(), o.threads)
	}
	if err := place.Prepare(cpus); err != nil {
		return 2, err
	}
	others := m.OnlineCPUs().Difference(cpus)
	if err := pinProcess(o, others); err != nil {
		return 2, err
	}
	loadCPUs := others
	if o.hasLoadAff {
		loadCPUs = o.loadAffinity
	}
	if len(o.loads) > 0 && loadCPUs.IsEmpty() {
		return 2, fmt.Errorf("--load: no cpu is left for the load (measuring %s); give --load-affinity", cpus)
	}
	self, _ := os.Executable()
	load, err := rt.StartLoad(o.loads, loadCPUs, self, workerArg)
	if err != nil {
		return 4, err
	}
	defer rt.StopLoad(load)
	if err := prepareRuntime(o, cpus.Size()); err != nil {
		return 4, err
	}
	res, err := measure(ctx, o, root, place, cpus)
	if err != nil {
		return 4, err
	}
	res.Tuned = !cpus.Intersection(place.Isolated).IsEmpty()
	return report(o, res, out)
}

// defaultCPUs measures the isolated CPUs of a tuned host, else every online
// CPU; --threads without --affinity takes the first n.
func defaultCPUs(isolated, online cpuset.CPUSet, threads int) cpuset.CPUSet {
	set := online
	if !isolated.IsEmpty() {
		set = isolated
	}
	if threads > 0 && threads < set.Size() {
		set = cpuset.New(set.List()[:threads]...)
	}
	return set
}

// pinProcess moves the process's existing threads (the main thread and the
// runtime's) to the main affinity: the measured CPUs stay for the
// measurement threads.
func pinProcess(o *options, others cpuset.CPUSet) error {
	cpus := others
	if o.hasMain {
		cpus = o.mainAffinity
	}
	if cpus.IsEmpty() {
		return nil
	}
	mask := topology.AffinityMask(cpus)
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		tid, _ := strconv.Atoi(t.Name())
		if err := unix.SchedSetaffinity(tid, mask); err != nil && o.hasMain {
			return fmt.Errorf("--mainaffinity %s: %w", cpus, err)
		}
	}
	return nil
}

// prepareRuntime locks memory, stops the garbage collector (with a memory
// limit as a safety net) and gives every measurement thread its own P.
func prepareRuntime(o *options, threads int) error {
	if o.mlock {
		if err := unix.Mlockall(unix.MCL_CURRENT | unix.MCL_FUTURE); err != nil {
			return fmt.Errorf("mlockall: %w", err)
		}
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(1 << 30)
	runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), threads+2))
	return nil
}

func measure(ctx context.Context, o *options, root hostfs.Root, place apply.Placement, cpus cpuset.CPUSet) (*rt.Result, error) {
	cfg := rt.Config{CPUs: cpus.List(), Priority: o.priority, Interval: o.interval, Duration: o.duration, Loops: o.loops,
		HistLimitMicros: max(o.histLimit, histKeep), Place: place.Thread}
	if !o.quiet && isTerminal(os.Stderr) {
		cfg.Progress = func(elapsed time.Duration, maxUS float64) {
			remaining := "-"
			if o.duration > 0 {
				remaining = (o.duration - elapsed).Round(time.Second).String()
			}
			fmt.Fprintf(os.Stderr, "\r%s elapsed, %s remaining, max %.0fµs   ", elapsed.Round(time.Second), remaining, maxUS)
		}
	}
	before := rt.TakeSample(root)
	start := time.Now()
	stopBusy := busyGoroutines(o.busy)
	threads, err := rt.Run(ctx, cfg)
	stopBusy()
	if err != nil {
		return nil, err
	}
	if cfg.Progress != nil {
		fmt.Fprintln(os.Stderr)
	}
	after := rt.TakeSample(root)
	res := &rt.Result{Cmdline: o.cmdline, Start: start, End: time.Now(), Interval: o.interval, Priority: o.priority,
		HistLimitMicros: cfg.HistLimitMicros}
	for _, l := range o.loads {
		res.Load = append(res.Load, l.String())
	}
	res.CPUs = rt.NewResult(threads, before, after)
	return res, nil
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// busyGoroutines starts n goroutines that compute until the returned
// function is called: the benchmark's proof that other Go work in the
// process does not reach the measurement threads. Each iteration calls a
// function, a cooperative preemption point: with asynchronous preemption
// off (as rtbench runs), a loop without calls would never yield its P.
func busyGoroutines(n int) func() {
	var stop atomic.Bool
	for i := 0; i < n; i++ {
		go func() {
			x := uint64(i)
			for !stop.Load() {
				x = step(x)
			}
		}()
	}
	return func() { stop.Store(true) }
}

// step is not a leaf (it calls mix), so its prologue checks the stack
// guard: that check is where the scheduler preempts it.
//
//go:noinline
func step(x uint64) uint64 {
	for i := 0; i < 1000; i++ {
		x = x*6364136223846793005 + 1
	}
	return mix(x)
}

//go:noinline
func mix(x uint64) uint64 { return x ^ x>>31 }
