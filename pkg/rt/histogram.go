// Package rt is rtbench's measurement engine: periodic real-time threads
// that record their wake-up latency into histograms, the statistics and
// noise (steal, IRQs, context switches) of a run, verdicts against targets
// and baselines, and the reports (text, cyclictest-shaped JSON, HTML).
package rt

import "math"

// Histogram counts latencies in 1 µs buckets up to Limit µs; larger ones
// are overflows (their maximum is still kept exactly). Adding allocates
// nothing.
type Histogram struct {
	Buckets  []uint64 `json:"-"`
	Overflow uint64   `json:"overflow"`
	Count    uint64   `json:"count"`
	SumNanos int64    `json:"sumNanos"`
	MinNanos int64    `json:"minNanos"`
	MaxNanos int64    `json:"maxNanos"`
}

// NewHistogram returns a histogram with 1 µs buckets up to limitMicros.
func NewHistogram(limitMicros int) *Histogram {
	return &Histogram{Buckets: make([]uint64, limitMicros+1), MinNanos: math.MaxInt64}
}

// Add records one latency in nanoseconds (negative values count as 0). It
// is nosplit: the measurement loop calls it (see Thread.loop).
//
//go:nosplit
func (h *Histogram) Add(ns int64) {
	if ns < 0 {
		ns = 0
	}
	us := ns / 1000
	if us < int64(len(h.Buckets)) {
		h.Buckets[us]++
	} else {
		h.Overflow++
	}
	h.Count++
	h.SumNanos += ns
	if ns < h.MinNanos {
		h.MinNanos = ns
	}
	if ns > h.MaxNanos {
		h.MaxNanos = ns
	}
}

// Merge adds o's samples (same bucket limit) into h.
func (h *Histogram) Merge(o *Histogram) {
	for i := range h.Buckets {
		if i < len(o.Buckets) {
			h.Buckets[i] += o.Buckets[i]
		}
	}
	h.Overflow += o.Overflow
	h.Count += o.Count
	h.SumNanos += o.SumNanos
	h.MinNanos = min(h.MinNanos, o.MinNanos)
	h.MaxNanos = max(h.MaxNanos, o.MaxNanos)
}

// Percentile returns the latency in µs below which a fraction q of the
// samples lie (the bucket's value); samples beyond the buckets give the
// maximum.
func (h *Histogram) Percentile(q float64) float64 {
	if h.Count == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(h.Count)))
	if want == 0 {
		want = 1
	}
	var acc uint64
	for i, c := range h.Buckets {
		acc += c
		if acc >= want {
			return float64(i)
		}
	}
	return float64(h.MaxNanos) / 1000
}

// Above counts the samples at or above us microseconds (overflows count).
func (h *Histogram) Above(us int) uint64 {
	var n uint64
	for i := max(us, 0); i < len(h.Buckets); i++ {
		n += h.Buckets[i]
	}
	return n + h.Overflow
}

// Min, Avg and Max are in µs.
func (h *Histogram) Min() float64 {
	if h.Count == 0 {
		return 0
	}
	return float64(h.MinNanos) / 1000
}

// Avg is the mean latency in µs.
func (h *Histogram) Avg() float64 {
	if h.Count == 0 {
		return 0
	}
	return float64(h.SumNanos) / float64(h.Count) / 1000
}

// Max is the largest latency in µs.
func (h *Histogram) Max() float64 { return float64(h.MaxNanos) / 1000 }

// Sparse returns the non-empty buckets, µs → count.
func (h *Histogram) Sparse() map[int]uint64 {
	out := map[int]uint64{}
	for i, c := range h.Buckets {
		if c > 0 {
			out[i] = c
		}
	}
	return out
}

// FromSparse rebuilds a histogram from non-empty buckets.
func FromSparse(limitMicros int, buckets map[int]uint64, overflow uint64, minNs, maxNs, sumNs int64) *Histogram {
	h := NewHistogram(limitMicros)
	for us, c := range buckets {
		if us >= 0 && us < len(h.Buckets) {
			h.Buckets[us] += c
		} else {
			h.Overflow += c
		}
		h.Count += c
	}
	h.Overflow += overflow
	h.Count += overflow
	h.MinNanos, h.MaxNanos, h.SumNanos = minNs, maxNs, sumNs
	return h
}
