package discover

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

const sysNode = "sys/devices/system/node"

// readNUMA reads the online NUMA nodes: CPUs, distances, memory and
// hugepages, and sets each CPU's node. Without a node directory (small Arm
// boards, kernels without NUMA) the machine is one node 0.
func (d *Discoverer) readNUMA(m *topology.Machine, g *gaps) {
	ids, ok := d.nodeIDs(g)
	if !ok {
		d.singleNode(m)
		return
	}
	online := m.OnlineCPUs()
	for i, id := range ids {
		dir := nodeName(id)
		n := topology.NUMANode{ID: id}
		n.CPUs = d.cpuListFile(g, "numa", sysNode, dir, "cpulist").Intersection(online)
		n.Distances = d.distances(id, ids, g)
		n.MemTotal, n.MemFree = d.nodeMeminfo(id, g)
		n.HugePages = d.hugePages(g, sysNode, dir, "hugepages")
		m.NUMANodes = append(m.NUMANodes, n)
		for _, c := range n.CPUs.UnsortedList() {
			if cpu := m.CPU(c); cpu != nil {
				cpu.NUMANode = ids[i]
			}
		}
	}
	d.nodesFromCPULinks(m, g)
}

// nodeIDs lists the online nodes from node/online, or from the nodeN
// directories when that file is missing.
func (d *Discoverer) nodeIDs(g *gaps) ([]int, bool) {
	if !d.root.Exists(sysNode) {
		return nil, false
	}
	if d.root.Exists(sysNode, "online") {
		set := d.cpuListFile(g, "numa", sysNode, "online")
		var ids []int
		for _, id := range set.List() {
			if d.root.Exists(sysNode, nodeName(id)) {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			return ids, true
		}
	}
	names, _ := d.root.ReadDirNames(sysNode)
	var ids []int
	for _, n := range names {
		if rest, ok := strings.CutPrefix(n, "node"); ok {
			if id, err := strconv.Atoi(rest); err == nil && id >= 0 {
				ids = append(ids, id)
			}
		}
	}
	return cpuset.New(ids...).List(), len(ids) > 0
}

// distances maps the node's distance file onto node IDs. The kernel prints
// one distance per online node; captures that print one per possible node
// are mapped by position.
func (d *Discoverer) distances(id int, online []int, g *gaps) map[int]int {
	s, err := d.root.ReadString(sysNode, nodeName(id), "distance")
	if err != nil {
		g.addf("numa distances", "node %d: %v", id, err)
		return map[int]int{}
	}
	fields := strings.Fields(s)
	out := make(map[int]int, len(fields))
	byPosition := len(fields) != len(online)
	for i, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil {
			g.addf("numa distances", "node %d: %q is not a number", id, f)
			return map[int]int{}
		}
		to := i
		if !byPosition {
			to = online[i]
		}
		out[to] = v
	}
	return out
}

// nodeMeminfo reads MemTotal and MemFree (bytes) from the node's meminfo.
func (d *Discoverer) nodeMeminfo(id int, g *gaps) (total, free int64) {
	b, err := d.root.ReadFile(sysNode, nodeName(id), "meminfo")
	if err != nil {
		g.addf("numa memory", "node %d: %v", id, err)
		return 0, 0
	}
	kv := parseMeminfo(b)
	return kv["MemTotal"] * 1024, kv["MemFree"] * 1024
}

// parseMeminfo reads "Key: value kB" lines of /proc/meminfo and of the
// per-node "Node N Key: value kB" lines; values are in KiB as printed (page
// counts, such as HugePages_Total, are plain counts).
func parseMeminfo(b []byte) map[string]int64 {
	out := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(k)
		if len(f) == 0 {
			continue
		}
		vf := strings.Fields(v)
		if len(vf) == 0 {
			continue
		}
		if n, err := strconv.ParseInt(vf[0], 10, 64); err == nil {
			out[f[len(f)-1]] = n
		}
	}
	return out
}

// hugePages reads the hugepages-<size>kB pools under a directory.
func (d *Discoverer) hugePages(g *gaps, elem ...string) []topology.HugePages {
	names, err := d.root.ReadDirNames(elem...)
	if err != nil {
		return nil
	}
	var out []topology.HugePages
	for _, n := range names {
		size, ok := hugePageSize(n)
		if !ok {
			continue
		}
		dir := append(append([]string{}, elem...), n)
		total, err1 := d.root.ReadInt64(append(dir, "nr_hugepages")...)
		free, err2 := d.root.ReadInt64(append(dir, "free_hugepages")...)
		if err1 != nil || err2 != nil {
			g.addf("hugepages", "%s: cannot read its counts", d.root.Rel(d.root.Path(dir...)))
		}
		out = append(out, topology.HugePages{SizeKiB: size, Total: total, Free: free})
	}
	sortHugePages(out)
	return out
}

// hugePageSize parses "hugepages-2048kB" into 2048.
func hugePageSize(name string) (int64, bool) {
	s, ok := strings.CutPrefix(name, "hugepages-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "kB")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v > 0
}

func sortHugePages(h []topology.HugePages) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].SizeKiB < h[j-1].SizeKiB; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// nodesFromCPULinks gives online CPUs that no node's cpulist holds the node
// of their cpuN/nodeK link, and reports that node as not online.
func (d *Discoverer) nodesFromCPULinks(m *topology.Machine, g *gaps) {
	var orphans []int
	for i := range m.CPUs {
		c := &m.CPUs[i]
		if !c.Online || c.NUMANode != topology.Unknown {
			continue
		}
		names, _ := d.root.ReadDirNames(sysCPU, cpuName(c.ID))
		for _, n := range names {
			if rest, ok := strings.CutPrefix(n, "node"); ok {
				if id, err := strconv.Atoi(rest); err == nil && id >= 0 {
					c.NUMANode = id
				}
			}
		}
		orphans = append(orphans, c.ID)
	}
	if len(orphans) > 0 {
		g.addf("numa", "online cpus %s are in no online node's cpulist (their node is taken from the cpu's nodeN link)", cpuset.New(orphans...))
	}
}

// singleNode models a machine without NUMA in sysfs as one node 0 with all
// online CPUs and the memory of /proc/meminfo.
func (d *Discoverer) singleNode(m *topology.Machine) {
	n := topology.NUMANode{ID: 0, CPUs: m.OnlineCPUs(), Distances: map[int]int{0: 10}}
	if b, err := d.root.ReadFile("proc/meminfo"); err == nil {
		kv := parseMeminfo(b)
		n.MemTotal, n.MemFree = kv["MemTotal"]*1024, kv["MemFree"]*1024
	}
	n.HugePages = d.hugePages(&gaps{}, "sys/kernel/mm/hugepages")
	m.NUMANodes = []topology.NUMANode{n}
	for i := range m.CPUs {
		if m.CPUs[i].Online {
			m.CPUs[i].NUMANode = 0
		}
	}
}

func nodeName(id int) string { return "node" + strconv.Itoa(id) }
