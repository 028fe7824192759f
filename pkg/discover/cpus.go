package discover

import (
	"strconv"
	"strings"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

const sysCPU = "sys/devices/system/cpu"

// readCPUs lists the logical CPUs under /sys/devices/system/cpu and reads
// each online CPU's topology, caches, core type and power settings.
func (d *Discoverer) readCPUs(m *topology.Machine, g *gaps) {
	ids, err := d.cpuIDs()
	if err != nil {
		g.addf("cpus", "cannot list %s: %v", sysCPU, err)
		return
	}
	online := d.onlineCPUs(ids, g)
	isolated := d.cpuListFile(g, "isolated", sysCPU, "isolated")
	nohz := d.cpuListFile(g, "nohz_full", sysCPU, "nohz_full")
	types := d.coreTypes(ids, g)
	m.CPUs = make([]topology.CPU, 0, len(ids))
	for _, id := range ids {
		c := topology.CPU{
			ID: id, Online: online.Contains(id), Die: topology.Unknown, Cluster: topology.Unknown,
			NUMANode: topology.Unknown, L3: topology.Unknown, Siblings: cpuset.New(),
			Isolated: isolated.Contains(id), NoHZFull: nohz.Contains(id), CoreType: types[id],
		}
		if c.Online {
			d.readCPUTopology(&c, online, g)
			c.L3 = d.l3Group(id)
			d.readPower(&c, g)
		}
		m.CPUs = append(m.CPUs, c)
	}
}

// cpuIDs returns the IDs of the cpuN directories, ascending.
func (d *Discoverer) cpuIDs() ([]int, error) {
	names, err := d.root.ReadDirNames(sysCPU)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, n := range names {
		if id, ok := cpuDirID(n); ok {
			ids = append(ids, id)
		}
	}
	return cpuset.New(ids...).List(), nil
}

// cpuDirID parses "cpu12" into 12.
func cpuDirID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "cpu")
	if !ok || rest == "" {
		return 0, false
	}
	id, err := strconv.Atoi(rest)
	if err != nil || id < 0 || id >= topology.MaxCPUID || strconv.Itoa(id) != rest {
		return 0, false
	}
	return id, true
}

// onlineCPUs reads the online list; where it is missing, each CPU's own
// online file; a CPU with neither is online (cpu0 is often not hot-pluggable
// and has no online file).
func (d *Discoverer) onlineCPUs(ids []int, g *gaps) cpuset.CPUSet {
	if d.root.Exists(sysCPU, "online") {
		return d.cpuListFile(g, "online cpus", sysCPU, "online")
	}
	var on []int
	for _, id := range ids {
		v, err := d.root.ReadString(sysCPU, cpuName(id), "online")
		if err != nil || v != "0" {
			on = append(on, id)
		}
	}
	return cpuset.New(on...)
}

// cpuListFile reads a cpulist file; a missing file is the empty set, a
// corrupt one a gap.
func (d *Discoverer) cpuListFile(g *gaps, what string, elem ...string) cpuset.CPUSet {
	s, err := d.root.ReadString(elem...)
	if err != nil {
		return cpuset.New()
	}
	set, err := topology.ParseCPUList(s)
	if err != nil {
		g.addf(what, "%s: %v", d.root.Rel(d.root.Path(elem...)), err)
	}
	return set
}

// readCPUTopology reads socket, core, die, cluster and thread siblings.
func (d *Discoverer) readCPUTopology(c *topology.CPU, online cpuset.CPUSet, g *gaps) {
	dir := d.root.Path(sysCPU, cpuName(c.ID), "topology")
	if !d.root.Exists(sysCPU, cpuName(c.ID), "topology") {
		g.addf("cpu topology", "cpu %d is online but has no %s", c.ID, d.root.Rel(dir))
		c.Siblings = cpuset.New(c.ID)
		return
	}
	c.Socket = d.topoInt(c.ID, "physical_package_id", 0)
	c.Core = d.topoInt(c.ID, "core_id", c.ID)
	c.Die = d.topoInt(c.ID, "die_id", topology.Unknown)
	c.Cluster = d.topoInt(c.ID, "cluster_id", topology.Unknown)
	sib := d.cpuListFile(g, "cpu topology", sysCPU, cpuName(c.ID), "topology", "thread_siblings_list")
	c.Siblings = sib.Intersection(online).Union(cpuset.New(c.ID))
}

// topoInt reads a topology ID; the kernel writes -1 or 65535 for IDs the
// platform does not define (cluster_id on most x86).
func (d *Discoverer) topoInt(cpu int, file string, def int) int {
	v, err := d.root.ReadInt(sysCPU, cpuName(cpu), "topology", file)
	if err != nil || v < 0 || v == 65535 {
		return def
	}
	return v
}

// l3Group returns the lowest CPU sharing cpu's level-3 cache, or Unknown.
func (d *Discoverer) l3Group(cpu int) int {
	idx, err := d.root.ReadDirNames(sysCPU, cpuName(cpu), "cache")
	if err != nil {
		return topology.Unknown
	}
	for i := len(idx) - 1; i >= 0; i-- {
		if !strings.HasPrefix(idx[i], "index") {
			continue
		}
		lvl, err := d.root.ReadInt(sysCPU, cpuName(cpu), "cache", idx[i], "level")
		if err != nil || lvl != 3 {
			continue
		}
		s, err := d.root.ReadString(sysCPU, cpuName(cpu), "cache", idx[i], "shared_cpu_list")
		if err != nil {
			return topology.Unknown
		}
		set, err := topology.ParseCPUList(s)
		if err != nil || set.IsEmpty() {
			return topology.Unknown
		}
		return set.List()[0]
	}
	return topology.Unknown
}

func cpuName(id int) string { return "cpu" + strconv.Itoa(id) }
