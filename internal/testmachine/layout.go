package testmachine

import (
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// Layout describes a synthetic machine by its shape, for tests of the pure
// packages on hardware no capture has (256 CPUs, 4-way SMT, sparse node
// IDs, memory-only nodes).
type Layout struct {
	Sockets        int
	NodesPerSocket int
	CoresPerNode   int
	Threads        int
	// CoresPerL3 groups cores into L3 caches within a node (0: one per node).
	CoresPerL3 int
	// Contiguous numbers a core's threads next to each other (0-3 on one
	// 4-way core); otherwise Linux x86 style, thread t of core c is
	// c + t*cores.
	Contiguous bool
	// NodeIDs renames the nodes (sparse IDs); default 0..n-1.
	NodeIDs []int
	// MemoryOnlyNodes adds CPU-less nodes with these IDs.
	MemoryOnlyNodes []int
	// Offline CPUs are listed but offline.
	Offline []int
	// Efficiency marks the cores (by core index) that are E-cores.
	Efficiency []int
	// NearDistance and FarDistance are the distances between nodes of one
	// socket and of different sockets (default 12 and 32).
	NearDistance, FarDistance int
	// HugePageSizesKiB are the supported sizes on each node (default 2048, 1048576).
	HugePageSizesKiB []int64
	// MemFreeBytes is every node's free memory (default 16 GiB).
	MemFreeBytes int64
}

// Build makes the machine.
func (l Layout) Build() *topology.Machine {
	l.defaults()
	nodes := l.Sockets * l.NodesPerSocket
	cores := nodes * l.CoresPerNode
	total := cores * l.Threads
	off := cpuset.New(l.Offline...)
	eff := cpuset.New(l.Efficiency...)
	m := &topology.Machine{CPUs: make([]topology.CPU, total)}
	nodeCPUs := make([][]int, nodes)
	for core := 0; core < cores; core++ {
		node := core / l.CoresPerNode
		var sib []int
		for t := 0; t < l.Threads; t++ {
			if id := l.cpuID(core, t, cores); !off.Contains(id) {
				sib = append(sib, id)
			}
		}
		l3first := l.cpuID(core-core%l.CoresPerL3, 0, cores)
		for t := 0; t < l.Threads; t++ {
			id := l.cpuID(core, t, cores)
			c := topology.CPU{ID: id, Online: !off.Contains(id), Core: core % l.CoresPerNode, Socket: node / l.NodesPerSocket,
				Die: 0, Cluster: topology.Unknown, NUMANode: l.NodeIDs[node], L3: l3first, Siblings: cpuset.New(sib...)}
			if eff.Contains(core) {
				c.CoreType = topology.CoreEfficiency
			} else if len(l.Efficiency) > 0 {
				c.CoreType = topology.CorePerformance
			}
			if !c.Online {
				c = topology.CPU{ID: id, Die: topology.Unknown, Cluster: topology.Unknown, NUMANode: topology.Unknown, L3: topology.Unknown, Siblings: cpuset.New()}
			} else {
				nodeCPUs[node] = append(nodeCPUs[node], id)
			}
			m.CPUs[id] = c
		}
	}
	l.addNodes(m, nodeCPUs)
	return m
}

func (l *Layout) defaults() {
	if l.Threads == 0 {
		l.Threads = 1
	}
	if l.CoresPerL3 == 0 {
		l.CoresPerL3 = l.CoresPerNode
	}
	if l.NodeIDs == nil {
		for i := 0; i < l.Sockets*l.NodesPerSocket; i++ {
			l.NodeIDs = append(l.NodeIDs, i)
		}
	}
	if l.NearDistance == 0 {
		l.NearDistance, l.FarDistance = 12, 32
	}
	if l.HugePageSizesKiB == nil {
		l.HugePageSizesKiB = []int64{2048, 1 << 20}
	}
	if l.MemFreeBytes == 0 {
		l.MemFreeBytes = 16 << 30
	}
}

func (l *Layout) cpuID(core, thread, cores int) int {
	if l.Contiguous {
		return core*l.Threads + thread
	}
	return core + thread*cores
}

func (l *Layout) addNodes(m *topology.Machine, nodeCPUs [][]int) {
	all := append(append([]int{}, l.NodeIDs...), l.MemoryOnlyNodes...)
	socketOf := func(i int) int {
		if i >= len(l.NodeIDs) {
			return -1
		}
		return i / l.NodesPerSocket
	}
	for i, id := range all {
		n := topology.NUMANode{ID: id, CPUs: cpuset.New(), Distances: map[int]int{}, MemTotal: 2 * l.MemFreeBytes, MemFree: l.MemFreeBytes}
		if i < len(nodeCPUs) {
			n.CPUs = cpuset.New(nodeCPUs[i]...)
		}
		for j, other := range all {
			switch {
			case i == j:
				n.Distances[other] = 10
			case socketOf(i) == socketOf(j) && socketOf(i) >= 0:
				n.Distances[other] = l.NearDistance
			default:
				n.Distances[other] = l.FarDistance
			}
		}
		for _, s := range l.HugePageSizesKiB {
			n.HugePages = append(n.HugePages, topology.HugePages{SizeKiB: s})
		}
		m.NUMANodes = append(m.NUMANodes, n)
	}
	sortNodes(m.NUMANodes)
}

func sortNodes(n []topology.NUMANode) {
	for i := 1; i < len(n); i++ {
		for j := i; j > 0 && n[j].ID < n[j-1].ID; j-- {
			n[j], n[j-1] = n[j-1], n[j]
		}
	}
}
