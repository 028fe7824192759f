package rt

// Stats are one CPU's results.
type Stats struct {
	CPU      int     `json:"cpu"`
	Cycles   uint64  `json:"cycles"`
	Min      float64 `json:"min"`
	Avg      float64 `json:"avg"`
	P50      float64 `json:"p50"`
	P99      float64 `json:"p99"`
	P999     float64 `json:"p99.9"`
	P9999    float64 `json:"p99.99"`
	Max      float64 `json:"max"`
	Overruns uint64  `json:"overruns"`
	// Interrupted counts sleeps a signal cut short.
	Interrupted uint64 `json:"interruptedSleeps"`
	Noise       Noise  `json:"noise"`
}

// Noise explains spikes: what else happened on the CPU during the run.
type Noise struct {
	// StealShare is the fraction of the CPU's time the hypervisor stole.
	StealShare float64 `json:"stealShare"`
	// IRQs maps an interrupt ("24", "LOC") to how often it hit the CPU.
	IRQs map[string]uint64 `json:"irqs"`
	// ContextSwitches of the measurement thread, voluntary and not.
	VoluntarySwitches   uint64 `json:"voluntarySwitches"`
	InvoluntarySwitches uint64 `json:"involuntarySwitches"`
}

// StatsOf computes the statistics of a histogram.
func StatsOf(cpu int, h *Histogram) Stats {
	return Stats{CPU: cpu, Cycles: h.Count, Min: h.Min(), Avg: h.Avg(), P50: h.Percentile(0.5), P99: h.Percentile(0.99),
		P999: h.Percentile(0.999), P9999: h.Percentile(0.9999), Max: h.Max()}
}
