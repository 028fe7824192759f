package rt

import (
	"fmt"
	"math"
	"time"
)

// Targets are latency limits; zero means no limit.
type Targets struct {
	MaxLatency time.Duration
	P99        time.Duration
	P999       time.Duration
}

// CheckTargets returns one line naming the first target a CPU misses, or "".
func CheckTargets(r *Result, t Targets) string {
	for _, c := range r.CPUs {
		for _, x := range []struct {
			name  string
			got   float64
			limit time.Duration
		}{{"max latency", c.Max, t.MaxLatency}, {"p99", c.P99, t.P99}, {"p99.9", c.P999, t.P999}} {
			if x.limit > 0 && x.got > float64(x.limit.Nanoseconds())/1000 {
				return fmt.Sprintf("FAIL: %s of cpu %d is %.0fµs, target %s", x.name, c.CPU, x.got, x.limit)
			}
		}
	}
	return ""
}

// zCritical is the one-sided normal quantile for p < 0.001; minTail is the
// fewest samples above the threshold that can make a regression (fewer are
// the spikes a VM always has).
const (
	zCritical = 3.09
	minTail   = 10
)

// Verdict is the outcome of comparing a run with a baseline.
type Verdict struct {
	// Refused says why no judgement was made (hypervisor interference).
	Refused string
	// Regressions name each CPU and percentile that got worse for real.
	Regressions []string
}

// Compare judges r against base per CPU: a percentile (p99, p99.9)
// regresses when it exceeds tolerance × the baseline's AND the share of
// samples above that threshold is significantly larger than in the
// baseline (one-sided binomial test, normal approximation, p < 0.001) and
// at least minTail samples lie above it, so a few spikes do not fail a run. It refuses to judge
// when either run's steal exceeds stealLimit.
func Compare(r, base *Result, tolerance, stealLimit float64) Verdict {
	for _, x := range []struct {
		name string
		res  *Result
	}{{"this run", r}, {"the baseline", base}} {
		for _, c := range x.res.CPUs {
			if c.Noise.StealShare > stealLimit {
				return Verdict{Refused: fmt.Sprintf("refusing to judge: the hypervisor stole %.1f%% of cpu %d in %s (limit %.1f%%)",
					c.Noise.StealShare*100, c.CPU, x.name, stealLimit*100)}
			}
		}
	}
	var v Verdict
	for _, c := range r.CPUs {
		b := base.cpu(c.CPU)
		if b == nil {
			continue
		}
		for _, q := range []struct {
			name string
			q    float64
		}{{"p99", 0.99}, {"p99.9", 0.999}} {
			if msg := regression(c, b, q.name, q.q, tolerance); msg != "" {
				v.Regressions = append(v.Regressions, msg)
			}
		}
	}
	return v
}

func (r *Result) cpu(id int) *CPUResult {
	for i := range r.CPUs {
		if r.CPUs[i].CPU == id {
			return &r.CPUs[i]
		}
	}
	return nil
}

func regression(c CPUResult, b *CPUResult, name string, q, tolerance float64) string {
	basePct, newPct := b.Hist.Percentile(q), c.Hist.Percentile(q)
	threshold := int(math.Ceil(tolerance * max(basePct, 1)))
	if newPct <= float64(threshold) || c.Hist.Count == 0 || b.Hist.Count == 0 {
		return ""
	}
	n := float64(c.Hist.Count)
	p0 := max(float64(b.Hist.Above(threshold)), 1) / float64(b.Hist.Count)
	k := float64(c.Hist.Above(threshold))
	z := (k - n*p0 - 0.5) / math.Sqrt(n*p0*(1-p0))
	if z <= zCritical || k < minTail {
		return ""
	}
	return fmt.Sprintf("regression on cpu %d: %s %.0fµs vs baseline %.0fµs (tolerance %.2f×; %.0f of %.0f samples above %dµs, baseline share %.4f%%, z=%.1f)",
		c.CPU, name, newPct, basePct, tolerance, k, n, threshold, p0*100, z)
}
