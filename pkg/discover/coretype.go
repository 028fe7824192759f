package discover

import (
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// efficiencyRatio is the fraction of the best CPU's highest performance
// below which a CPU counts as an efficiency core. Intel's favoured cores
// (Turbo Boost Max 3.0) differ from the others by a few percent only; the
// E-cores of hybrid parts reach about 60 % of the P-cores.
const efficiencyRatio = 0.8

// coreTypes tells performance from efficiency cores on hybrid parts, from
// the first source sysfs has: the hybrid PMUs' cpu lists (Intel), the
// per-CPU cpu_capacity (Arm big.LITTLE), or ACPI CPPC highest_perf. It
// returns an empty map for parts that are not hybrid.
func (d *Discoverer) coreTypes(ids []int, g *gaps) map[int]topology.CoreType {
	out := map[int]topology.CoreType{}
	if d.root.Exists("sys/devices/cpu_core/cpus") && d.root.Exists("sys/devices/cpu_atom/cpus") {
		for _, id := range d.cpuListFile(g, "core types", "sys/devices/cpu_core/cpus").UnsortedList() {
			out[id] = topology.CorePerformance
		}
		for _, id := range d.cpuListFile(g, "core types", "sys/devices/cpu_atom/cpus").UnsortedList() {
			out[id] = topology.CoreEfficiency
		}
		return out
	}
	for _, file := range []string{"cpu_capacity", "acpi_cppc/highest_perf"} {
		if perf := d.perCPUInts(ids, file); len(perf) > 0 {
			return classifyByPerf(perf)
		}
	}
	return out
}

// perCPUInts reads an integer file of every CPU; it returns nil unless
// every CPU that has the file could be read.
func (d *Discoverer) perCPUInts(ids []int, file string) map[int]int {
	out := map[int]int{}
	for _, id := range ids {
		v, err := d.root.ReadInt(sysCPU, cpuName(id), file)
		if err == nil {
			out[id] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// classifyByPerf marks CPUs below efficiencyRatio of the best as efficiency
// cores and the rest as performance cores; when none is below, the part is
// not hybrid and the map is empty.
func classifyByPerf(perf map[int]int) map[int]topology.CoreType {
	best := 0
	for _, v := range perf {
		best = max(best, v)
	}
	var slow []int
	for id, v := range perf {
		if float64(v) < efficiencyRatio*float64(best) {
			slow = append(slow, id)
		}
	}
	out := map[int]topology.CoreType{}
	if len(slow) == 0 {
		return out
	}
	eff := cpuset.New(slow...)
	for id := range perf {
		out[id] = topology.CorePerformance
		if eff.Contains(id) {
			out[id] = topology.CoreEfficiency
		}
	}
	return out
}
