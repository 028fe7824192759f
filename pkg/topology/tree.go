package topology

import (
	"fmt"
	"sort"
	"strings"
)

// Tree renders the machine as a compact text tree: sockets, the NUMA nodes
// whose CPUs they hold, physical cores and their threads; PCI devices under
// their node; isolated CPUs marked "*" and offline ones listed at the end.
func (m *Machine) Tree() string {
	var b strings.Builder
	t := treeWriter{&b}
	t.header(m)
	cores := m.Cores()
	shown := map[int]bool{}
	for _, s := range m.Sockets() {
		t.line(0, "socket %d%s", s, m.packageModel(s))
		for _, n := range m.nodesOfSocket(s) {
			t.node(m, n, cores, s, shown[n])
			shown[n] = true
		}
	}
	for _, n := range m.NUMANodes {
		if !shown[n.ID] {
			t.line(0, "node %d (no cpus)%s", n.ID, memSummary(&n))
			t.devices(m, n.ID, 1)
		}
	}
	if devs := m.devicesOn(Unknown); len(devs) > 0 {
		t.line(0, "devices without a NUMA node")
		t.devices(m, Unknown, 1)
	}
	t.footer(m)
	return b.String()
}

type treeWriter struct{ b *strings.Builder }

func (t treeWriter) line(depth int, format string, args ...any) {
	t.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(t.b, format, args...)
	t.b.WriteByte('\n')
}

func (t treeWriter) header(m *Machine) {
	t.line(0, "machine: %d cpus online (%s), %d cores, %d sockets, %d numa nodes",
		m.OnlineCPUs().Size(), m.OnlineCPUs(), len(m.Cores()), len(m.Sockets()), len(m.NUMANodes))
	k := &m.Kernel
	t.line(0, "kernel: %s, preempt %s; cgroup %s (cpuset v%d at %s)",
		orDash(k.Release), orDash(k.Preempt), orDash(string(m.Cgroup.Mode)), m.Cgroup.CPUSetVersion, orDash(m.Cgroup.CPUSetMount))
	if iso := m.IsolatedCPUs(); !iso.IsEmpty() {
		t.line(0, "isolated (*): %s", iso)
	}
	if nohz := m.NoHZFullCPUs(); !nohz.IsEmpty() {
		t.line(0, "nohz_full: %s", nohz)
	}
}

func (t treeWriter) node(m *Machine, id int, cores []Core, socket int, again bool) {
	n := m.NUMANode(id)
	label := fmt.Sprintf("node %d", id)
	if n != nil && !again {
		label += memSummary(n)
	}
	t.line(1, "%s", label)
	for _, c := range cores {
		if c.Socket == socket && c.NUMANode == id {
			t.line(2, "core %d: %s", c.ID, m.threads(c))
		}
	}
	if !again {
		t.devices(m, id, 2)
	}
}

func (t treeWriter) devices(m *Machine, node, depth int) {
	for _, d := range m.devicesOn(node) {
		t.line(depth, "%s", deviceLine(&d))
	}
}

func (t treeWriter) footer(m *Machine) {
	if off := m.OfflineCPUs(); !off.IsEmpty() {
		t.line(0, "offline cpus: %s", off)
	}
	t.line(0, "irqs: %d", len(m.IRQs))
	for _, g := range m.Partial {
		t.line(0, "partial: %s: %s", g.What, g.Why)
	}
}

func (m *Machine) threads(c Core) string {
	parts := make([]string, 0, c.CPUs.Size())
	for _, id := range c.CPUs.List() {
		s := fmt.Sprintf("cpu%d", id)
		cpu := m.CPU(id)
		if cpu != nil && cpu.Isolated {
			s += "*"
		}
		parts = append(parts, s)
	}
	if cpu := m.CPU(c.CPUs.List()[0]); cpu != nil && cpu.CoreType != "" {
		parts = append(parts, "("+string(cpu.CoreType)+")")
	}
	return strings.Join(parts, " ")
}

func (m *Machine) nodesOfSocket(socket int) []int {
	seen := map[int]bool{}
	var out []int
	for _, c := range m.CPUs {
		if c.Online && c.Socket == socket && !seen[c.NUMANode] {
			seen[c.NUMANode] = true
			out = append(out, c.NUMANode)
		}
	}
	sort.Ints(out)
	return out
}

func (m *Machine) packageModel(socket int) string {
	for _, p := range m.Packages {
		if p.ID == socket && p.Model != "" {
			return ": " + p.Model
		}
	}
	return ""
}

func (m *Machine) devicesOn(node int) []PCIDevice {
	var out []PCIDevice
	for _, d := range m.PCIDevices {
		if d.NUMANode == node && interesting(&d) {
			out = append(out, d)
		}
	}
	return out
}

// interesting leaves bridges and host controllers out of the tree.
func interesting(d *PCIDevice) bool {
	return !strings.HasPrefix(d.Class, "06")
}

func deviceLine(d *PCIDevice) string {
	name := d.DeviceName
	if name == "" {
		name = d.VendorID + ":" + d.DeviceID
	}
	s := fmt.Sprintf("pci %s %s [%s]", d.Address, name, d.Class)
	if d.Driver != "" {
		s += " driver=" + d.Driver
	}
	if len(d.NetDevs) > 0 {
		s += " net=" + strings.Join(d.NetDevs, ",")
	}
	if d.SRIOV != nil {
		s += fmt.Sprintf(" sriov=%d/%d", d.SRIOV.NumVFs, d.SRIOV.TotalVFs)
	}
	if d.IsVF() {
		s += fmt.Sprintf(" vf%d-of=%s", d.VFIndex, d.PhysFn)
	}
	if d.Accelerator != "" {
		s += " accel=" + string(d.Accelerator)
	}
	return s
}

func memSummary(n *NUMANode) string {
	if n.MemTotal == 0 {
		return ""
	}
	s := fmt.Sprintf(" (mem %d MiB, free %d MiB", n.MemTotal>>20, n.MemFree>>20)
	for _, h := range n.HugePages {
		if h.Total > 0 {
			s += fmt.Sprintf(", %d×%dk hugepages (%d free)", h.Total, h.SizeKiB, h.Free)
		}
	}
	return s + ")"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
