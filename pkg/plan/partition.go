package plan

import (
	"fmt"
	"sort"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Partition splits the online CPUs into reserved (housekeeping) and
// isolated sets as the profile's spec.cpu asks, checking the profile
// against the machine. Notes say what was adjusted (rounded up to whole
// cores, a preference that does not apply).
func Partition(m *topology.Machine, c *profile.CPUSpec) (reserved, isolated cpuset.CPUSet, notes []string, err error) {
	online := m.OnlineCPUs()
	full := c.SMTPolicy != profile.SMTAllowSplit
	switch {
	case c.Reserved != "":
		reserved, err = checkedList(m, "spec.cpu.reserved", c.Reserved, full)
	default:
		reserved, notes, err = chooseReserved(m, c)
	}
	if err != nil {
		return reserved, isolated, notes, err
	}
	if c.Isolated == "" {
		isolated = online.Difference(reserved)
	} else {
		if isolated, err = checkedList(m, "spec.cpu.isolated", c.Isolated, full); err != nil {
			return reserved, isolated, notes, err
		}
		if both := isolated.Intersection(reserved); !both.IsEmpty() {
			return reserved, isolated, notes, profile.Errorf("spec.cpu.isolated", "cpus %s are also reserved (reserved: %s)", both, reserved)
		}
	}
	if isolated.IsEmpty() {
		field := "spec.cpu.reserved"
		if c.ReservedCount != nil {
			field = "spec.cpu.reservedCount"
		}
		return reserved, isolated, notes, profile.Errorf(field, "%s leaves no cpu to isolate (online: %s)", reserved, online)
	}
	return reserved, isolated, notes, nil
}

// checkedList parses a cpulist of the profile and checks every CPU exists,
// is online, and (under full-cores) comes with its SMT siblings.
func checkedList(m *topology.Machine, field, list string, fullCores bool) (cpuset.CPUSet, error) {
	set, err := topology.ParseCPUList(list)
	if err != nil {
		return set, profile.Errorf(field, "%v", err)
	}
	online := m.OnlineCPUs()
	for _, id := range set.List() {
		cpu := m.CPU(id)
		switch {
		case cpu == nil:
			return set, profile.Errorf(field, "cpu %d does not exist (online: %s)", id, online)
		case !cpu.Online:
			return set, profile.Errorf(field, "cpu %d is offline (online: %s)", id, online)
		}
		if fullCores {
			if missing := cpu.Siblings.Difference(set); !missing.IsEmpty() {
				return set, profile.Errorf(field, "cpu %d shares a core with cpu %s (smtPolicy full-cores keeps cores whole; list both or set smtPolicy: allow-split)", id, missing)
			}
		}
	}
	return set, nil
}

// chooseReserved picks housekeeping CPUs: reservedCount of them, or the
// first whole core of each NUMA node when no count is given.
func chooseReserved(m *topology.Machine, c *profile.CPUSpec) (cpuset.CPUSet, []string, error) {
	order, notes := housekeepingOrder(m, c)
	if c.ReservedCount == nil {
		var ids []int
		seen := map[int]bool{}
		for _, core := range order {
			if !seen[core.NUMANode] {
				seen[core.NUMANode] = true
				ids = append(ids, core.CPUs.List()...)
			}
		}
		return cpuset.New(ids...), notes, nil
	}
	want := *c.ReservedCount
	if online := m.OnlineCPUs(); want >= online.Size() {
		return cpuset.New(), notes, profile.Errorf("spec.cpu.reservedCount", "%d leaves no cpu to isolate (online: %s, %d cpus)", want, online, online.Size())
	}
	var ids []int
	for _, core := range order {
		if len(ids) >= want {
			break
		}
		cpus := core.CPUs.List()
		if c.SMTPolicy == profile.SMTAllowSplit && len(cpus) > want-len(ids) {
			cpus = cpus[:want-len(ids)]
		}
		ids = append(ids, cpus...)
	}
	if len(ids) > want {
		notes = append(notes, fmt.Sprintf("spec.cpu.reservedCount %d rounded up to %d to keep whole cores (smtPolicy full-cores)", want, len(ids)))
	}
	return cpuset.New(ids...), notes, nil
}

// housekeepingOrder orders the cores in which housekeeping is placed:
// efficiency cores first when preferred, then spread (round robin over
// NUMA nodes) or packed (node by node); cores by lowest CPU within a node.
func housekeepingOrder(m *topology.Machine, c *profile.CPUSpec) ([]topology.Core, []string) {
	var notes []string
	cores := m.Cores()
	if c.HousekeepingPrefers == profile.PreferEfficiencyCores {
		var eff, perf []topology.Core
		for _, core := range cores {
			if cpu := m.CPU(core.CPUs.List()[0]); cpu != nil && cpu.CoreType == topology.CoreEfficiency {
				eff = append(eff, core)
			} else {
				perf = append(perf, core)
			}
		}
		if len(eff) == 0 {
			notes = append(notes, "spec.cpu.housekeepingPrefers efficiency-cores: this machine has no efficiency cores")
		}
		return append(placeCores(eff, c.ReservedPlacement), placeCores(perf, c.ReservedPlacement)...), notes
	}
	return placeCores(cores, c.ReservedPlacement), notes
}

// placeCores orders cores round robin over their nodes (spread) or node by
// node (packed); nodes ascending.
func placeCores(cores []topology.Core, placement string) []topology.Core {
	byNode := map[int][]topology.Core{}
	var nodes []int
	for _, c := range cores {
		if _, ok := byNode[c.NUMANode]; !ok && c.NUMANode != topology.Unknown {
			nodes = append(nodes, c.NUMANode)
		}
		byNode[c.NUMANode] = append(byNode[c.NUMANode], c)
	}
	sort.Ints(nodes)
	if len(byNode[topology.Unknown]) > 0 {
		nodes = append(nodes, topology.Unknown)
	}
	var out []topology.Core
	if placement == profile.PlacementPacked {
		for _, n := range nodes {
			out = append(out, byNode[n]...)
		}
		return out
	}
	for round := 0; len(out) < len(cores); round++ {
		for _, n := range nodes {
			if round < len(byNode[n]) {
				out = append(out, byNode[n][round])
			}
		}
	}
	return out
}
