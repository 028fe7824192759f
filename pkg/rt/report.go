package rt

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WriteSummary writes the human summary table.
func WriteSummary(w io.Writer, r *Result) error {
	mode := "untuned"
	if r.Tuned {
		mode = "tuned (isolated cpus)"
	}
	load := "none"
	if len(r.Load) > 0 {
		load = strings.Join(r.Load, ",")
	}
	fmt.Fprintf(w, "rtbench: %d cpus, interval %s, priority %d, %s, %s, load %s\n",
		len(r.CPUs), r.Interval, r.Priority, r.End.Sub(r.Start).Round(time.Second), mode, load)
	fmt.Fprintf(w, "%4s %9s %6s %7s %6s %6s %7s %7s %8s %8s %6s %6s %7s\n",
		"cpu", "cycles", "min", "avg", "p50", "p99", "p99.9", "p99.99", "max", "overruns", "steal", "irqs", "ctxsw")
	for _, c := range r.CPUs {
		var irqs uint64
		for _, n := range c.Noise.IRQs {
			irqs += n
		}
		fmt.Fprintf(w, "%4d %9d %6.0f %7.1f %6.0f %6.0f %7.0f %7.0f %8.0f %8d %5.1f%% %6d %7s\n",
			c.CPU, c.Cycles, c.Min, c.Avg, c.P50, c.P99, c.P999, c.P9999, c.Max, c.Overruns,
			c.Noise.StealShare*100, irqs, fmt.Sprintf("%d/%d", c.Noise.VoluntarySwitches, c.Noise.InvoluntarySwitches))
	}
	_, err := fmt.Fprintln(w, "latencies in µs; max is set by the hypervisor on a VM")
	return err
}

// WriteHistogram writes the histograms as cyclictest does (-h): one line
// per µs bucket with a count per CPU.
func WriteHistogram(w io.Writer, r *Result) error {
	if len(r.CPUs) == 0 {
		return nil
	}
	last := 0
	for _, c := range r.CPUs {
		for i := len(c.Hist.Buckets) - 1; i > last; i-- {
			if c.Hist.Buckets[i] > 0 {
				last = i
				break
			}
		}
	}
	fmt.Fprintln(w, "# Histogram")
	for i := 0; i <= last; i++ {
		fmt.Fprintf(w, "%06d", i)
		for _, c := range r.CPUs {
			fmt.Fprintf(w, " %06d", c.Hist.Buckets[i])
		}
		fmt.Fprintln(w)
	}
	for _, c := range r.CPUs {
		fmt.Fprintf(w, "# cpu %d: min %.0f avg %.0f max %.0f overflows %d\n", c.CPU, c.Min, c.Avg, c.Max, c.Hist.Overflow)
	}
	return nil
}

// jsonThread is one entry of "thread" in the cyclictest-shaped JSON: the
// CPU's stats (cpu, cycles, min, avg, max and percentiles, as cyclictest
// names them) with its histogram and exact nanosecond sums.
type jsonThread struct {
	Histogram map[string]uint64 `json:"histogram"`
	Stats
	Overflow uint64 `json:"overflows"`
	SumNanos int64  `json:"sumNanos"`
	MinNanos int64  `json:"minNanos"`
	MaxNanos int64  `json:"maxNanos"`
}

type jsonFile struct {
	FileVersion int                   `json:"file_version"`
	Cmdline     string                `json:"cmdline"`
	RTTest      string                `json:"rt_test"`
	StartTime   string                `json:"start_time"`
	EndTime     string                `json:"end_time"`
	ReturnCode  int                   `json:"return_code"`
	NumThreads  int                   `json:"num_threads"`
	IntervalUS  int64                 `json:"interval_us"`
	Priority    int                   `json:"priority"`
	HistLimitUS int                   `json:"histogram_limit_us"`
	Tuned       bool                  `json:"tuned"`
	Load        []string              `json:"load"`
	Thread      map[string]jsonThread `json:"thread"`
}

// WriteJSON writes the run shaped like cyclictest's --json (thread.<n>
// with histogram {µs: count}, cycles, min, max, avg, cpu) plus
// percentiles, overruns and noise. returnCode is the exit code.
func WriteJSON(w io.Writer, r *Result, returnCode int) error {
	f := jsonFile{FileVersion: 1, Cmdline: r.Cmdline, RTTest: "rtbench", StartTime: r.Start.Format(time.RFC3339Nano),
		EndTime: r.End.Format(time.RFC3339Nano), ReturnCode: returnCode, NumThreads: len(r.CPUs),
		IntervalUS: r.Interval.Microseconds(), Priority: r.Priority, HistLimitUS: r.HistLimitMicros,
		Tuned: r.Tuned, Load: r.Load, Thread: map[string]jsonThread{}}
	for i, c := range r.CPUs {
		hist := map[string]uint64{}
		for us, n := range c.Hist.Sparse() {
			hist[strconv.Itoa(us)] = n
		}
		f.Thread[strconv.Itoa(i)] = jsonThread{Histogram: hist, Stats: c.Stats,
			Overflow: c.Hist.Overflow, SumNanos: c.Hist.SumNanos, MinNanos: c.Hist.MinNanos, MaxNanos: c.Hist.MaxNanos}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// ReadJSON reads a run written by WriteJSON (a baseline), or a cyclictest
// --json file (histograms in µs, no noise).
func ReadJSON(rd io.Reader) (*Result, error) {
	var f jsonFile
	if err := json.NewDecoder(rd).Decode(&f); err != nil {
		return nil, fmt.Errorf("not an rtbench or cyclictest JSON file: %v", err)
	}
	if len(f.Thread) == 0 {
		return nil, fmt.Errorf("no threads in the JSON file")
	}
	limit := f.HistLimitUS
	keys := make([]string, 0, len(f.Thread))
	for k := range f.Thread {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r := &Result{Cmdline: f.Cmdline, Priority: f.Priority, Tuned: f.Tuned, Load: f.Load, Interval: time.Duration(f.IntervalUS) * time.Microsecond}
	for _, k := range keys {
		t := f.Thread[k]
		buckets := map[int]uint64{}
		for us, n := range t.Histogram {
			v, err := strconv.Atoi(us)
			if err != nil {
				return nil, fmt.Errorf("thread %s: histogram bucket %q is not a number", k, us)
			}
			buckets[v] = n
			limit = max(limit, v)
		}
		h := FromSparse(max(limit, 1), buckets, t.Overflow, t.MinNanos, t.MaxNanos, t.SumNanos)
		if t.MaxNanos == 0 {
			h.MinNanos, h.MaxNanos = int64(t.Min*1000), int64(t.Max*1000)
		}
		st := StatsOf(t.CPU, h)
		st.Noise = t.Noise
		r.CPUs = append(r.CPUs, CPUResult{Stats: st, Hist: h})
	}
	r.HistLimitMicros = limit
	return r, nil
}
