package plan_test

import (
	"testing"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Named machines for the plan tests: Go literals of shapes no capture has,
// and the real captures.

// dualEPYC: 2 sockets × 4 NUMA nodes × 16 cores × 2 threads = 256 CPUs,
// 8-core L3 groups (CCXs), thread 1 of core c is c+128.
func dualEPYC() *topology.Machine {
	return testmachine.Layout{Sockets: 2, NodesPerSocket: 4, CoresPerNode: 16, Threads: 2, CoresPerL3: 8}.Build()
}

// power4SMT: one socket, 2 nodes × 4 cores × 4 threads, threads numbered
// next to each other (0-3 is core 0).
func power4SMT() *topology.Machine {
	return testmachine.Layout{Sockets: 1, NodesPerSocket: 2, CoresPerNode: 4, Threads: 4, Contiguous: true}.Build()
}

// sparseCXL: nodes 0 and 4 with CPUs (2 sockets × 4 cores × 2 threads)
// and a CPU-less memory node 6.
func sparseCXL() *topology.Machine {
	return testmachine.Layout{Sockets: 2, NodesPerSocket: 1, CoresPerNode: 4, Threads: 2, NodeIDs: []int{0, 4}, MemoryOnlyNodes: []int{6}}.Build()
}

// hybridPE: 4 P-cores with 2 threads and 8 E-cores with 1 thread modelled
// as one node (E-cores are cores 4-11 of a 12-core, 1-thread layout plus
// SMT on the P-cores is not expressible as a Layout, so threads are 1).
func hybridPE() *topology.Machine {
	return testmachine.Layout{Sockets: 1, NodesPerSocket: 1, CoresPerNode: 12, Threads: 1, Efficiency: []int{4, 5, 6, 7, 8, 9, 10, 11}}.Build()
}

// withOffline: a 2-node, 16-CPU box with CPUs 1 and 9 offline (9 is 1's sibling).
func withOffline() *topology.Machine {
	return testmachine.Layout{Sockets: 2, NodesPerSocket: 1, CoresPerNode: 4, Threads: 2, Offline: []int{1, 9}}.Build()
}

// vm2: this project's development VM: 2 CPUs, one node, no SMT.
func vm2() *topology.Machine {
	return testmachine.Layout{Sockets: 1, NodesPerSocket: 1, CoresPerNode: 2, Threads: 1, HugePageSizesKiB: []int64{2048}, MemFreeBytes: 3 << 30}.Build()
}

func set(t *testing.T, s string) cpuset.CPUSet {
	t.Helper()
	c, err := cpuset.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func capture(t *testing.T, name string) *topology.Machine {
	t.Helper()
	return testmachine.Discover(t, name)
}
