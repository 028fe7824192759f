package rt

import (
	"bytes"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
)

// Sample is the host's counters at one moment: per-CPU time (steal
// included) and per-CPU interrupt counts.
type Sample struct {
	times map[int]discover.CPUTimes
	irqs  map[string]map[int]uint64
}

// TakeSample reads /proc/stat and /proc/interrupts below the root; what it
// cannot read stays empty.
func TakeSample(root hostfs.Root) Sample {
	s := Sample{times: map[int]discover.CPUTimes{}, irqs: map[string]map[int]uint64{}}
	if fs, err := discover.ProcFS(root); err == nil {
		if times, err := discover.ReadCPUTimes(fs); err == nil {
			s.times = times
		}
	}
	if b, err := root.ReadFile("proc", "interrupts"); err == nil {
		if lines, err := discover.ParseInterrupts(bytes.NewReader(b)); err == nil {
			for _, l := range lines {
				s.irqs[l.ID] = l.Counts
			}
		}
	}
	return s
}

// NoiseBetween is what happened on cpu between two samples.
func NoiseBetween(a, b Sample, cpu int) Noise {
	n := Noise{IRQs: map[string]uint64{}}
	x, y := a.times[cpu], b.times[cpu]
	if y.Total > x.Total {
		n.StealShare = (y.Steal - x.Steal) / (y.Total - x.Total)
	}
	for id, counts := range b.irqs {
		if d := counts[cpu] - a.irqs[id][cpu]; counts[cpu] > a.irqs[id][cpu] {
			n.IRQs[id] = d
		}
	}
	return n
}
