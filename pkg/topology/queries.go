package topology

import (
	"sort"

	"k8s.io/utils/cpuset"
)

// Core is one physical core: its online threads.
type Core struct {
	Socket   int
	Die      int
	ID       int
	NUMANode int
	CPUs     cpuset.CPUSet
}

// CPU returns the CPU with the given ID, or nil.
func (m *Machine) CPU(id int) *CPU {
	i := sort.Search(len(m.CPUs), func(i int) bool { return m.CPUs[i].ID >= id })
	if i < len(m.CPUs) && m.CPUs[i].ID == id {
		return &m.CPUs[i]
	}
	return nil
}

// CPUsWhere returns the set of CPUs for which keep is true.
func (m *Machine) CPUsWhere(keep func(*CPU) bool) cpuset.CPUSet {
	ids := make([]int, 0, len(m.CPUs))
	for i := range m.CPUs {
		if keep(&m.CPUs[i]) {
			ids = append(ids, m.CPUs[i].ID)
		}
	}
	return cpuset.New(ids...)
}

// OnlineCPUs returns the online CPUs.
func (m *Machine) OnlineCPUs() cpuset.CPUSet {
	return m.CPUsWhere(func(c *CPU) bool { return c.Online })
}

// OfflineCPUs returns the CPUs the kernel lists but that are offline.
func (m *Machine) OfflineCPUs() cpuset.CPUSet {
	return m.CPUsWhere(func(c *CPU) bool { return !c.Online })
}

// IsolatedCPUs returns the CPUs in the kernel's isolated list.
func (m *Machine) IsolatedCPUs() cpuset.CPUSet {
	return m.CPUsWhere(func(c *CPU) bool { return c.Isolated })
}

// NoHZFullCPUs returns the CPUs running tickless (nohz_full).
func (m *Machine) NoHZFullCPUs() cpuset.CPUSet {
	return m.CPUsWhere(func(c *CPU) bool { return c.NoHZFull })
}

// SiblingsOf returns the online threads of cpu's physical core, cpu included.
func (m *Machine) SiblingsOf(cpu int) cpuset.CPUSet {
	if c := m.CPU(cpu); c != nil {
		return c.Siblings
	}
	return cpuset.New()
}

// CPUsInNUMANodes returns the online CPUs of the given NUMA nodes.
func (m *Machine) CPUsInNUMANodes(ids ...int) cpuset.CPUSet {
	want := make(map[int]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	return m.CPUsWhere(func(c *CPU) bool { return c.Online && want[c.NUMANode] })
}

// CPUsInSockets returns the online CPUs of the given sockets.
func (m *Machine) CPUsInSockets(ids ...int) cpuset.CPUSet {
	want := make(map[int]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	return m.CPUsWhere(func(c *CPU) bool { return c.Online && want[c.Socket] })
}

// CPUsInL3 returns the online CPUs that share the L3 group l3.
func (m *Machine) CPUsInL3(l3 int) cpuset.CPUSet {
	return m.CPUsWhere(func(c *CPU) bool { return c.Online && c.L3 == l3 && l3 != Unknown })
}

// Sockets returns the IDs of the sockets with online CPUs, ascending.
func (m *Machine) Sockets() []int {
	return m.distinct(func(c *CPU) int { return c.Socket })
}

// L3Groups returns the L3 group IDs of the online CPUs, ascending.
func (m *Machine) L3Groups() []int {
	return m.distinct(func(c *CPU) int { return c.L3 })
}

func (m *Machine) distinct(key func(*CPU) int) []int {
	seen := map[int]bool{}
	var out []int
	for i := range m.CPUs {
		c := &m.CPUs[i]
		if k := key(c); c.Online && k != Unknown && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Ints(out)
	return out
}

// Cores returns the physical cores with online threads, ordered by their
// lowest CPU. A core is the set of thread siblings the kernel reports.
func (m *Machine) Cores() []Core {
	var cores []Core
	seen := map[int]bool{}
	for i := range m.CPUs {
		c := &m.CPUs[i]
		if !c.Online || seen[c.ID] {
			continue
		}
		sib := c.Siblings
		if sib.IsEmpty() {
			sib = cpuset.New(c.ID)
		}
		for _, id := range sib.UnsortedList() {
			seen[id] = true
		}
		cores = append(cores, Core{Socket: c.Socket, Die: c.Die, ID: c.Core, NUMANode: c.NUMANode, CPUs: sib})
	}
	return cores
}

// CoresInSocket returns the physical cores of one socket.
func (m *Machine) CoresInSocket(socket int) []Core {
	var out []Core
	for _, c := range m.Cores() {
		if c.Socket == socket {
			out = append(out, c)
		}
	}
	return out
}

// NUMANode returns the node with the given ID, or nil.
func (m *Machine) NUMANode(id int) *NUMANode {
	for i := range m.NUMANodes {
		if m.NUMANodes[i].ID == id {
			return &m.NUMANodes[i]
		}
	}
	return nil
}

// NUMANodeIDs returns the IDs of the online NUMA nodes, ascending.
func (m *Machine) NUMANodeIDs() []int {
	ids := make([]int, len(m.NUMANodes))
	for i, n := range m.NUMANodes {
		ids[i] = n.ID
	}
	return ids
}

// PCIDevice returns the device at a PCI address, or nil.
func (m *Machine) PCIDevice(addr string) *PCIDevice {
	for i := range m.PCIDevices {
		if m.PCIDevices[i].Address == addr {
			return &m.PCIDevices[i]
		}
	}
	return nil
}

// Accelerators returns the devices recognised as accelerators.
func (m *Machine) Accelerators() []PCIDevice {
	var out []PCIDevice
	for _, d := range m.PCIDevices {
		if d.Accelerator != "" {
			out = append(out, d)
		}
	}
	return out
}

// IRQsOn returns the IRQs whose affinity includes any CPU of cpus.
func (m *Machine) IRQsOn(cpus cpuset.CPUSet) []IRQ {
	var out []IRQ
	for _, q := range m.IRQs {
		if !q.Affinity.Intersection(cpus).IsEmpty() {
			out = append(out, q)
		}
	}
	return out
}
