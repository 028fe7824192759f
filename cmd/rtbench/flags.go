package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/rt"
	"github.com/rtnode/rtnode/pkg/topology"
)

// options are rtbench's settings; the flags follow cyclictest's where they
// overlap.
type options struct {
	affinity     cpuset.CPUSet
	hasAffinity  bool
	threads      int
	priority     int
	interval     time.Duration
	duration     time.Duration
	loops        uint64
	mlock        bool
	mainAffinity cpuset.CPUSet
	hasMain      bool
	histLimit    int
	printHist    bool
	histFile     string
	quiet        bool
	jsonFile     string
	reportFile   string
	loads        []rt.Load
	loadAffinity cpuset.CPUSet
	hasLoadAff   bool
	targets      rt.Targets
	saveBaseline string
	baseline     string
	tolerance    float64
	stealLimit   float64
	busy         int
	cmdline      string
}

// rawFlags are the flags kept as given until finish checks and converts
// them.
type rawFlags struct {
	affinity, mainAff, loadAff, duration, maxLat, p99, p999 string
	intervalUS                                              int64
	loads                                                   []string
}

// parseFlags parses rtbench's command line; the flag package's own
// messages are dropped, rtbench prints one line.
func parseFlags(args []string) (*options, error) {
	fs := pflag.NewFlagSet("rtbench", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &options{cmdline: "rtbench " + strings.Join(args, " ")}
	var r rawFlags
	fs.StringVarP(&r.affinity, "affinity", "a", "", "cpus to measure, one thread each (default: the isolated cpus of a tuned host, else all online cpus)")
	fs.IntVarP(&o.threads, "threads", "t", 0, "number of measurement threads (default: one per cpu of --affinity)")
	fs.IntVarP(&o.priority, "priority", "p", 95, "SCHED_FIFO priority of the measurement threads (1-99)")
	fs.Int64VarP(&r.intervalUS, "interval", "i", 1000, "wake-up interval in µs")
	fs.StringVarP(&r.duration, "duration", "D", "", "run time: 30s, 5m, 2h; a bare number is seconds")
	fs.Uint64VarP(&o.loops, "loops", "l", 0, "cycles per thread (0: until --duration)")
	fs.BoolVarP(&o.mlock, "mlockall", "m", false, "lock current and future memory")
	fs.StringVar(&r.mainAff, "mainaffinity", "", "cpus of the main thread (default: the cpus not measured)")
	fs.IntVarP(&o.histLimit, "histogram", "h", 0, "print the histogram up to this many µs (it is always kept up to 10000)")
	fs.StringVar(&o.histFile, "histfile", "", "write the histogram to this file instead of standard output")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line")
	fs.StringVar(&o.jsonFile, "json", "", "write the results as JSON (cyclictest's shape plus percentiles and noise)")
	fs.StringVar(&o.reportFile, "report", "", "write a self-contained HTML report")
	fs.StringArrayVar(&r.loads, "load", nil, "background load on the housekeeping cpus: cpu|memory|io[:N] (repeatable)")
	fs.StringVar(&r.loadAff, "load-affinity", "", "cpus of the load (default: the cpus not measured)")
	fs.StringVar(&r.maxLat, "max-latency", "", "fail when a cpu's max latency exceeds this (50us, 1ms)")
	fs.StringVar(&r.p99, "p99", "", "fail when a cpu's p99 exceeds this")
	fs.StringVar(&r.p999, "p999", "", "fail when a cpu's p99.9 exceeds this")
	fs.StringVar(&o.saveBaseline, "save-baseline", "", "save this run as a baseline (JSON)")
	fs.StringVar(&o.baseline, "baseline", "", "compare with a baseline and fail on a real p99/p99.9 regression")
	fs.Float64Var(&o.tolerance, "tolerance", 1.3, "with --baseline: allowed growth of p99 and p99.9")
	fs.Float64Var(&o.stealLimit, "steal-limit", 0.01, "with --baseline: refuse to judge above this steal share")
	fs.IntVar(&o.busy, "busy-goroutines", 0, "benchmark hook: run this many busy goroutines in the rtbench process during the measurement")
	_ = fs.MarkHidden("busy-goroutines")
	fs.Bool("help", false, "show this help")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if help, _ := fs.GetBool("help"); help {
		return nil, fmt.Errorf("usage:\n%s", fs.FlagUsages())
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, o.finish(r)
}

// finish checks the raw flags and fills the options from them.
func (o *options) finish(r rawFlags) error {
	var err error
	if o.affinity, o.hasAffinity, err = cpuList("--affinity", r.affinity); err != nil {
		return err
	}
	if o.mainAffinity, o.hasMain, err = cpuList("--mainaffinity", r.mainAff); err != nil {
		return err
	}
	if o.loadAffinity, o.hasLoadAff, err = cpuList("--load-affinity", r.loadAff); err != nil {
		return err
	}
	if o.priority < 1 || o.priority > 99 {
		return fmt.Errorf("--priority %d: must be 1-99", o.priority)
	}
	if r.intervalUS < 50 || r.intervalUS > 10_000_000 {
		return fmt.Errorf("--interval %d: must be 50-10000000 µs", r.intervalUS)
	}
	o.interval = time.Duration(r.intervalUS) * time.Microsecond
	if o.duration, err = parseDuration(r.duration); err != nil {
		return err
	}
	if o.duration == 0 && o.loops == 0 {
		return fmt.Errorf("give --duration or --loops")
	}
	if o.threads < 0 || (o.hasAffinity && o.threads > 0 && o.threads != o.affinity.Size()) {
		return fmt.Errorf("--threads %d: with --affinity %s it must be %d (one thread per cpu)", o.threads, o.affinity, o.affinity.Size())
	}
	if o.histLimit < 0 || o.histLimit > 1_000_000 {
		return fmt.Errorf("--histogram %d: must be 0-1000000 µs", o.histLimit)
	}
	o.printHist = o.histLimit > 0 || o.histFile != ""
	for _, l := range r.loads {
		ld, err := rt.ParseLoad(l)
		if err != nil {
			return err
		}
		o.loads = append(o.loads, ld)
	}
	for _, t := range []struct {
		flag, v string
		dst     *time.Duration
	}{{"--max-latency", r.maxLat, &o.targets.MaxLatency}, {"--p99", r.p99, &o.targets.P99}, {"--p999", r.p999, &o.targets.P999}} {
		if t.v == "" {
			continue
		}
		d, err := time.ParseDuration(t.v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s %q: want a positive duration with a unit, like 50us or 1ms", t.flag, t.v)
		}
		*t.dst = d
	}
	if o.tolerance < 1 || o.tolerance > 100 {
		return fmt.Errorf("--tolerance %g: must be 1-100", o.tolerance)
	}
	if o.stealLimit < 0 || o.stealLimit > 1 {
		return fmt.Errorf("--steal-limit %g: must be 0-1", o.stealLimit)
	}
	return nil
}

// parseDuration reads cyclictest's -D: a Go duration, or a bare number of
// seconds, or a number with a single m/h/d suffix.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.ParseUint(strings.TrimSuffix(s, "d"), 10, 16); err == nil {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--duration %q: want 30s, 5m, 2h or a number of seconds", s)
	}
	return d, nil
}

func cpuList(flag, s string) (cpuset.CPUSet, bool, error) {
	if s == "" {
		return cpuset.New(), false, nil
	}
	set, err := topology.ParseCPUList(s)
	if err != nil || set.IsEmpty() {
		return set, false, fmt.Errorf("%s %q: not a cpulist", flag, s)
	}
	return set, true, nil
}
