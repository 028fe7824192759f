package topology

import "k8s.io/utils/cpuset"

// Tunables are the current values of the host-wide knobs rtnode tunes, as
// discovery read them. A knob the kernel does not expose is absent (nil map
// entry, empty string, HasX false).
type Tunables struct {
	// Sysctls maps dotted names ("kernel.timer_migration") to their value.
	Sysctls map[string]string
	// THP is the selected transparent hugepage mode: always, madvise, never.
	THP string
	// DefaultIRQAffinity is /proc/irq/default_smp_affinity.
	DefaultIRQAffinity    cpuset.CPUSet
	HasDefaultIRQAffinity bool
	// WorkqueueMask is the unbound workqueue cpumask.
	WorkqueueMask    cpuset.CPUSet
	HasWorkqueueMask bool
	// WritebackMask is the writeback workqueue cpumask.
	WritebackMask    cpuset.CPUSet
	HasWritebackMask bool
}
