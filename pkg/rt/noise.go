package rt

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
)

// Sample is the host's counters at one moment: per-CPU steal and total
// time, and per-CPU interrupt counts.
type Sample struct {
	steal, total map[int]uint64
	irqs         map[string]map[int]uint64
}

// TakeSample reads /proc/stat and /proc/interrupts below the root; what it
// cannot read stays empty.
func TakeSample(root hostfs.Root) Sample {
	s := Sample{steal: map[int]uint64{}, total: map[int]uint64{}, irqs: map[string]map[int]uint64{}}
	if b, err := root.ReadString("proc", "stat"); err == nil {
		for _, l := range strings.Split(b, "\n") {
			f := strings.Fields(l)
			if len(f) < 9 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
				continue
			}
			id, err := strconv.Atoi(f[0][3:])
			if err != nil {
				continue
			}
			for i, v := range f[1:9] {
				n, _ := strconv.ParseUint(v, 10, 64)
				s.total[id] += n
				if i == 7 {
					s.steal[id] = n
				}
			}
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
	if total := b.total[cpu] - a.total[cpu]; b.total[cpu] > a.total[cpu] {
		n.StealShare = float64(b.steal[cpu]-a.steal[cpu]) / float64(total)
	}
	for id, counts := range b.irqs {
		if d := counts[cpu] - a.irqs[id][cpu]; counts[cpu] > a.irqs[id][cpu] {
			n.IRQs[id] = d
		}
	}
	return n
}
