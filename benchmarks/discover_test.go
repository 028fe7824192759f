package benchmarks

import (
	"context"
	"testing"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
)

// Targets (issue 2): cold discovery of the live VM <= 100 ms, repeated
// <= 25 ms, the 80-CPU capture <= 50 ms.

func liveRoot(b *testing.B) hostfs.Root {
	r, err := hostfs.New("/")
	if err != nil {
		b.Skip(err)
	}
	return r
}

// BenchmarkDiscoverLiveCold builds a new Discoverer each time, so each
// iteration loads the PCI name database as a fresh rtnode process does.
func BenchmarkDiscoverLiveCold(b *testing.B) {
	root := liveRoot(b)
	for b.Loop() {
		if _, err := discover.New(root, nil).Discover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscoverLiveRepeated reuses one Discoverer, as the agent loop
// does.
func BenchmarkDiscoverLiveRepeated(b *testing.B) {
	d := discover.New(liveRoot(b), nil)
	if _, err := d.Discover(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := d.Discover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscoverCapture80CPU discovers the SNC-2 dual Xeon Gold 6230
// capture (80 CPUs, 4 nodes) with a new Discoverer each time.
func BenchmarkDiscoverCapture80CPU(b *testing.B) {
	root := testmachine.Unpack(b, "hwloc-memorysidecaches")
	for b.Loop() {
		if _, err := discover.New(root, nil).Discover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscoverCaptureDualXeonPCI discovers the dual Xeon capture with
// its 82 PCI functions, a new Discoverer each time.
func BenchmarkDiscoverCaptureDualXeonPCI(b *testing.B) {
	root := testmachine.Unpack(b, "ghw-dual-xeon-l5640-i350-vfs")
	for b.Loop() {
		if _, err := discover.New(root, nil).Discover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
