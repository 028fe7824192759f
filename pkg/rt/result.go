package rt

import (
	"sort"
	"time"
)

// Result is a whole run: its settings, each CPU's histogram and stats.
type Result struct {
	Cmdline         string        `json:"cmdline"`
	Start           time.Time     `json:"startTime"`
	End             time.Time     `json:"endTime"`
	Interval        time.Duration `json:"-"`
	Priority        int           `json:"priority"`
	HistLimitMicros int           `json:"histLimitMicros"`
	Tuned           bool          `json:"tuned"`
	Load            []string      `json:"load"`
	CPUs            []CPUResult   `json:"cpus"`
}

// CPUResult is one CPU's measurement.
type CPUResult struct {
	Stats
	Hist *Histogram `json:"-"`
}

// NewResult collects the threads' histograms and the noise.
func NewResult(threads []*Thread, before, after Sample) []CPUResult {
	out := make([]CPUResult, 0, len(threads))
	for _, t := range threads {
		st := StatsOf(t.CPU, t.Hist)
		st.Overruns, st.Interrupted = t.Overruns, t.Interrupted
		st.Noise = NoiseBetween(before, after, t.CPU)
		st.Noise.VoluntarySwitches, st.Noise.InvoluntarySwitches = t.Voluntary, t.Involuntary
		out = append(out, CPUResult{Stats: st, Hist: t.Hist})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CPU < out[j].CPU })
	return out
}

// MaxSteal is the largest steal share of the measured CPUs.
func (r *Result) MaxSteal() float64 {
	var m float64
	for _, c := range r.CPUs {
		m = max(m, c.Noise.StealShare)
	}
	return m
}
