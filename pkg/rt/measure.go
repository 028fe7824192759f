package rt

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes a run.
type Config struct {
	// CPUs gets one measurement thread each.
	CPUs []int
	// Priority is the SCHED_FIFO priority (1-99); 0 keeps SCHED_OTHER.
	Priority int
	Interval time.Duration
	// Duration bounds the run; Loops bounds each thread's cycles; either
	// may be zero (not both).
	Duration time.Duration
	Loops    uint64
	// HistLimitMicros is the histogram's largest bucket.
	HistLimitMicros int
	// Place runs on each measurement thread, locked to it, before the
	// loop: it moves the thread to its CPU (and into the isolated cpuset)
	// and sets its scheduling policy.
	Place func(cpu, priority int) error
	// Progress, when set, is called about once a second with the elapsed
	// time and the largest latency so far (µs).
	Progress func(elapsed time.Duration, maxMicros float64)
}

// Thread is one measurement thread's result.
type Thread struct {
	CPU         int
	TID         int
	Hist        *Histogram
	Overruns    uint64
	Interrupted uint64
	// Voluntary and Involuntary are the thread's context switches during
	// the loop.
	Voluntary   uint64
	Involuntary uint64
	maxNanos    atomic.Int64
}

// startDelay is how far ahead the common start time is set: every thread
// is placed well before it.
const startDelay = 200 * time.Millisecond

// Run measures: every thread wakes up each Interval at absolute times on
// CLOCK_MONOTONIC, all from one start time, and records how late it woke.
// The start time is fixed before the threads exist, so no thread waits on
// the Go scheduler between its placement and its first sleep.
func Run(ctx context.Context, cfg Config) ([]*Thread, error) {
	threads := make([]*Thread, len(cfg.CPUs))
	ready := make(chan error, len(cfg.CPUs))
	var stop atomic.Bool
	var wg sync.WaitGroup
	interval := cfg.Interval.Nanoseconds()
	start := nanotime() + max(startDelay.Nanoseconds(), 10*interval)
	for i, cpu := range cfg.CPUs {
		t := &Thread{CPU: cpu, Hist: NewHistogram(cfg.HistLimitMicros)}
		threads[i] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			t.TID = gettid()
			if err := cfg.Place(t.CPU, cfg.Priority); err != nil {
				ready <- fmt.Errorf("cpu %d: %w", t.CPU, err)
				return
			}
			ready <- nil
			v0, i0 := threadSwitches()
			first := nextPeriod(start, interval, nanotime())
			t.loop(first, interval, stopAt(start, cfg.Duration), cfg.Loops, &stop)
			v1, i1 := threadSwitches()
			t.Voluntary, t.Involuntary = v1-v0, i1-i0
		}()
	}
	var firstErr error
	for range cfg.CPUs {
		if err := <-ready; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if firstErr != nil {
		stop.Store(true)
		<-done
		return nil, firstErr
	}
	watch(ctx, cfg, threads, &stop, done)
	return threads, nil
}

// nextPeriod is the first period boundary at or after now, counting from
// start (a thread placed late joins at the next boundary).
func nextPeriod(start, interval, now int64) int64 {
	if now <= start {
		return start
	}
	return start + ((now-start)/interval+1)*interval
}

// watch reports progress (when asked) and stops the threads when ctx ends.
func watch(ctx context.Context, cfg Config, threads []*Thread, stop *atomic.Bool, done chan struct{}) {
	var tick <-chan time.Time
	if cfg.Progress != nil {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		tick = t.C
	}
	began := time.Now()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			stop.Store(true)
			<-done
			return
		case <-tick:
			var mx int64
			for _, t := range threads {
				mx = max(mx, t.maxNanos.Load())
			}
			cfg.Progress(time.Since(began), float64(mx)/1000)
		}
	}
}

func stopAt(start int64, d time.Duration) int64 {
	if d <= 0 {
		return 1<<63 - 1
	}
	return start + d.Nanoseconds()
}

// loop is the measurement: it allocates nothing and makes no call that
// could hand the thread to the Go scheduler. It and everything it calls are
// nosplit, so there is no stack-guard check at which the scheduler could
// preempt it: sysmon asks every goroutine running for 10 ms to yield, and a
// measurement goroutine that yielded would wait for a P behind any other
// runnable goroutine (p99 rose to 10 ms with four busy goroutines in the
// process). A stop-the-world, which rtbench avoids during a run, would
// wait for the loop to end.
//
//go:nosplit
func (t *Thread) loop(next, interval, end int64, loops uint64, stop *atomic.Bool) {
	for {
		t.Interrupted += sleepUntil(next)
		now := nanotime()
		lat := now - next
		t.Hist.Add(lat)
		if lat > t.maxNanos.Load() {
			t.maxNanos.Store(lat)
		}
		next += interval
		if now > next {
			missed := (now - next) / interval
			t.Overruns += uint64(missed) + 1
			next += (missed + 1) * interval
		}
		if now >= end || (loops > 0 && t.Hist.Count >= loops) || stop.Load() {
			return
		}
	}
}
