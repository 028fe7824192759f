package benchmarks

import (
	"testing"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Targets (issue 3): allocation on 256+ CPU layouts <= 50 µs; a full plan
// for the 80-CPU capture <= 5 ms.

func epyc256() *topology.Machine {
	return testmachine.Layout{Sockets: 2, NodesPerSocket: 4, CoresPerNode: 16, Threads: 2, CoresPerL3: 8}.Build()
}

// BenchmarkAllocate256 allocates 16 CPUs (one CCX) out of a 256-CPU dual
// EPYC with a quarter of the CPUs in use, on a prepared allocator as the
// device plugin holds it.
func BenchmarkAllocate256(b *testing.B) {
	m := epyc256()
	a := plan.NewAllocator(m)
	free := m.OnlineCPUs()
	first, _ := a.Allocate(plan.Request{Available: free, Size: 64, NUMANode: topology.Unknown})
	free = free.Difference(first)
	for b.Loop() {
		if _, err := a.Allocate(plan.Request{Available: free, Size: 16, NUMANode: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllocate256Spill asks for 80 CPUs, more than one node holds.
func BenchmarkAllocate256Spill(b *testing.B) {
	m := epyc256()
	a := plan.NewAllocator(m)
	free := m.OnlineCPUs()
	for b.Loop() {
		if _, err := a.Allocate(plan.Request{Available: free, Size: 80, NUMANode: topology.Unknown}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewAllocator256 is the one-time cost of indexing the machine.
func BenchmarkNewAllocator256(b *testing.B) {
	m := epyc256()
	for b.Loop() {
		plan.NewAllocator(m)
	}
}

// BenchmarkPlan80CPU computes the default plan for the SNC-2 dual Xeon Gold
// 6230 capture (80 CPUs, 4 nodes).
func BenchmarkPlan80CPU(b *testing.B) {
	m := testmachine.Discover(b, "hwloc-memorysidecaches")
	p := profile.Default()
	for b.Loop() {
		if _, err := plan.Compute(m, p); err != nil {
			b.Fatal(err)
		}
	}
}
