// Package topology is rtnode's pure model of a machine: logical CPUs and the
// cores, dies, sockets, L3 groups and NUMA nodes they belong to, memory and
// hugepages per node, PCI devices (SR-IOV and accelerators included), IRQs,
// and the kernel and cgroup facts that decide how a node can be tuned.
//
// The package does no I/O: discover fills a Machine from a host root, tests
// build one from literals. Queries return cpuset.CPUSet values, and every set
// people read is written in the Linux cpulist notation ("0-3,8").
package topology

import "k8s.io/utils/cpuset"

// Unknown is the value of an integer ID (die, cluster, NUMA node, L3 group,
// VF index) the host did not tell.
const Unknown = -1

// Machine is everything rtnode knows about one host.
type Machine struct {
	// CPUs holds every logical CPU the kernel lists, online or not, by ID.
	CPUs []CPU
	// NUMANodes holds the online NUMA nodes by ID, memory-only nodes too.
	// A machine without NUMA in sysfs has one node 0 holding every CPU.
	NUMANodes []NUMANode
	// Packages holds one entry per socket with its vendor and model.
	Packages []Package
	// PCIDevices holds every PCI function, by address.
	PCIDevices []PCIDevice
	// IRQs holds the numbered interrupts of /proc/interrupts, by number.
	IRQs []IRQ
	// Kernel holds the running kernel's facts.
	Kernel Kernel
	// Cgroup holds how cgroups are mounted.
	Cgroup Cgroup
	// Tunables holds the current values of the knobs rtnode tunes.
	Tunables Tunables
	// Partial lists what could not be read, and why.
	Partial []Gap
}

// CPU is one logical CPU (a hardware thread).
type CPU struct {
	ID     int
	Online bool
	// Core is the kernel's core_id; it is unique only within a package
	// (and die). Use Siblings to group threads into physical cores.
	Core    int
	Socket  int
	Die     int
	Cluster int
	// NUMANode is the node whose cpulist holds the CPU.
	NUMANode int
	// L3 identifies the CPU's last-level cache group (the lowest CPU that
	// shares it); Unknown where sysfs has no L3.
	L3 int
	// Siblings are the online threads of the CPU's physical core, itself
	// included; empty for an offline CPU.
	Siblings cpuset.CPUSet
	// Isolated is set for CPUs in /sys/devices/system/cpu/isolated.
	Isolated bool
	// NoHZFull is set for CPUs in /sys/devices/system/cpu/nohz_full.
	NoHZFull bool
	// CoreType is CorePerformance or CoreEfficiency on hybrid parts.
	CoreType CoreType
	// Governor is the cpufreq scaling governor, empty where not exposed.
	Governor string
	// IdleStates are the cpuidle states, empty where not exposed.
	IdleStates []IdleState
}

// CoreType tells performance and efficiency cores of hybrid parts apart.
type CoreType string

// Core types. The empty value means the part is not hybrid or sysfs does not
// say.
const (
	CorePerformance CoreType = "performance"
	CoreEfficiency  CoreType = "efficiency"
)

// IdleState is one cpuidle state of a CPU.
type IdleState struct {
	// Index is N of the cpuidle stateN directory.
	Index int    `json:"index"`
	Name  string `json:"name"`
	// LatencyMicros is the exit latency in microseconds.
	LatencyMicros int  `json:"latencyMicros"`
	Disabled      bool `json:"disabled"`
}

// Package is one physical processor package (socket).
type Package struct {
	ID     int    `json:"id"`
	Vendor string `json:"vendor"`
	Model  string `json:"model"`
}

// NUMANode is one NUMA node.
type NUMANode struct {
	ID   int
	CPUs cpuset.CPUSet
	// Distances maps a node ID to the distance from this node.
	Distances map[int]int
	// MemTotal and MemFree are in bytes; zero where not known.
	MemTotal int64
	MemFree  int64
	// HugePages holds one entry per supported page size, smallest first.
	HugePages []HugePages
}

// HugePages is the pool of one hugepage size on one node.
type HugePages struct {
	SizeKiB int64 `json:"sizeKiB"`
	Total   int64 `json:"total"`
	Free    int64 `json:"free"`
}

// Gap says what discovery could not read and why.
type Gap struct {
	What string
	Why  string
}
