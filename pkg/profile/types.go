// Package profile defines rtnode's NodeProfile (apiVersion rtnode.io/v1alpha1):
// which CPUs are reserved for housekeeping and which are isolated, the
// hugepages to hold per NUMA node, where IRQs go, the real-time limits pods
// may ask for, power settings of isolated CPUs and sysctl overrides. It
// parses YAML strictly (unknown fields are errors that name the field),
// translates an OpenShift PerformanceProfile, and embeds the default profile.
//
// The package is pure: no I/O. Checks that need the machine (does CPU 99
// exist?) are made by the planner, which reports them as FieldErrors too.
package profile

// APIVersion and Kind identify a NodeProfile document.
const (
	APIVersion = "rtnode.io/v1alpha1"
	Kind       = "NodeProfile"
)

// NodeProfile is the user's description of how a node should be tuned.
type NodeProfile struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`
}

// Metadata names the profile.
type Metadata struct {
	Name string `json:"name,omitempty"`
}

// Spec is the tuning the profile asks for.
type Spec struct {
	CPU       CPUSpec        `json:"cpu"`
	HugePages *HugePagesSpec `json:"hugepages,omitempty"`
	IRQ       IRQSpec        `json:"irq"`
	RT        RTSpec         `json:"rt"`
	Power     *PowerSpec     `json:"power,omitempty"`
	// TransparentHugepages is the THP mode: never (default), madvise or
	// always.
	TransparentHugepages string `json:"transparentHugepages,omitempty"`
	// Sysctl overrides or adds sysctls ("kernel.timer_migration": "0").
	Sysctl map[string]string `json:"sysctl,omitempty"`
	// ExtraBootArgs are kernel arguments to recommend besides rtnode's.
	ExtraBootArgs []string `json:"extraBootArgs,omitempty"`
}

// SMT policies.
const (
	SMTFullCores  = "full-cores"
	SMTAllowSplit = "allow-split"
)

// Reserved placements.
const (
	PlacementSpread = "spread"
	PlacementPacked = "packed"
)

// PreferEfficiencyCores puts housekeeping on the E-cores of hybrid parts.
const PreferEfficiencyCores = "efficiency-cores"

// CPUSpec partitions the CPUs into reserved (housekeeping) and isolated.
type CPUSpec struct {
	// Reserved is a cpulist; ReservedCount asks for that many CPUs chosen
	// by the planner. Neither: the first whole core of each NUMA node.
	Reserved      string `json:"reserved,omitempty"`
	ReservedCount *int   `json:"reservedCount,omitempty"`
	// Isolated is a cpulist; empty means every online CPU not reserved.
	Isolated string `json:"isolated,omitempty"`
	// SMTPolicy is full-cores (default: never split a core's threads
	// between reserved and isolated) or allow-split.
	SMTPolicy string `json:"smtPolicy,omitempty"`
	// HousekeepingPrefers is efficiency-cores or empty.
	HousekeepingPrefers string `json:"housekeepingPrefers,omitempty"`
	// ReservedPlacement is spread (default: across NUMA nodes) or packed.
	ReservedPlacement string `json:"reservedPlacement,omitempty"`
}

// HugePagesSpec asks for hugepages.
type HugePagesSpec struct {
	// DefaultSize becomes default_hugepagesz= in the boot advice ("1Gi").
	DefaultSize string            `json:"defaultSize,omitempty"`
	Pages       []HugePageRequest `json:"pages,omitempty"`
}

// HugePageRequest asks for Count pages of Size on Node, or spread evenly
// over the nodes with memory when Node is nil.
type HugePageRequest struct {
	Size  string `json:"size"`
	Count int    `json:"count"`
	Node  *int   `json:"node,omitempty"`
}

// IRQSpec says where movable IRQs go and which to leave alone.
type IRQSpec struct {
	// Target is "housekeeping" (default: the reserved CPUs) or a cpulist
	// within the reserved CPUs.
	Target string `json:"target,omitempty"`
	// Exclude lists IRQ numbers and devices (PCI addresses or netdev
	// names) whose IRQs rtnode must not move.
	Exclude IRQExclude `json:"exclude,omitempty"`
}

// IRQExclude names IRQs to leave alone.
type IRQExclude struct {
	IRQs    []int    `json:"irqs,omitempty"`
	Devices []string `json:"devices,omitempty"`
}

// RTSpec bounds what pods may ask for.
type RTSpec struct {
	// MaxPriority is the highest SCHED_FIFO/RR priority a pod may ask for
	// (1-99, default 80).
	MaxPriority int `json:"maxPriority,omitempty"`
	// Throttling keeps the kernel's RT throttling (sched_rt_runtime_us);
	// default false: -1, as real-time profiles set it.
	Throttling *bool `json:"throttling,omitempty"`
}

// PowerSpec sets the power behaviour of isolated CPUs.
type PowerSpec struct {
	// Governor is the cpufreq governor ("performance").
	Governor string `json:"governor,omitempty"`
	// MaxIdleLatencyMicros disables idle states with a longer exit
	// latency; 0 keeps only polling.
	MaxIdleLatencyMicros *int `json:"maxIdleLatencyMicros,omitempty"`
}

// Defaults filled in by Normalize.
const (
	DefaultMaxPriority = 80
	DefaultIRQTarget   = "housekeeping"
	DefaultTHP         = "never"
)
