package rt

import (
	"math"
	"testing"

	"github.com/rtnode/rtnode/internal/testmachine"
)

// sampleOf takes a Sample of a host root holding these /proc/stat and
// /proc/interrupts.
func sampleOf(t *testing.T, stat, interrupts string) Sample {
	t.Helper()
	return TakeSample(testmachine.Build(t, testmachine.Tree{
		"proc/cpuinfo":    "",
		"proc/stat":       stat,
		"proc/interrupts": interrupts,
	}))
}

func TestNoiseBetween(t *testing.T) {
	a := sampleOf(t,
		"cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\ncpu1 100 0 100 800 0 0 0 0 0 0\n",
		"           CPU0       CPU1\n  24:         10          5   PCI-MSI 1-edge eth0\nLOC:        100        200   Local timer interrupts\n")
	b := sampleOf(t,
		"cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 150 0 150 900 0 0 0 0 0 0\ncpu1 110 0 110 950 0 0 0 30 0 0\n",
		"           CPU0       CPU1\n  24:         12          5   PCI-MSI 1-edge eth0\nLOC:        150        290   Local timer interrupts\n")
	n := NoiseBetween(a, b, 1)
	if math.Abs(n.StealShare-0.15) > 1e-9 {
		t.Errorf("steal share on cpu 1 = %v, want 0.15 (30 of 200 ticks)", n.StealShare)
	}
	if len(n.IRQs) != 1 || n.IRQs["LOC"] != 90 {
		t.Errorf("irqs on cpu 1 = %v, want LOC 90 only", n.IRQs)
	}
	if n := NoiseBetween(a, b, 0); n.StealShare != 0 || n.IRQs["24"] != 2 || n.IRQs["LOC"] != 50 {
		t.Errorf("cpu 0 noise = %+v, want no steal, irq 24 twice, LOC 50", n)
	}
}
