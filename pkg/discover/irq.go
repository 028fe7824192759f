package discover

import (
	"bytes"
	"strconv"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// readIRQs reads the numbered lines of /proc/interrupts with each IRQ's
// affinity, effective affinity and owning PCI device.
func (d *Discoverer) readIRQs(m *topology.Machine, g *gaps) {
	b, err := d.root.ReadFile("proc/interrupts")
	if err != nil {
		g.addf("irqs", "cannot read /proc/interrupts: %v", errReason(err))
		return
	}
	lines, err := ParseInterrupts(bytes.NewReader(b))
	if err != nil {
		g.add("irqs", err.Error())
		return
	}
	owners := d.irqOwners(m)
	for _, l := range lines {
		n := l.Number()
		if n < 0 {
			continue
		}
		q := topology.IRQ{Number: n, Chip: l.Chip, Name: l.Name, Counts: l.Counts, Device: owners[n]}
		q.Affinity = d.irqSet(n, "smp_affinity_list", "smp_affinity")
		q.EffectiveAffinity = d.irqSet(n, "effective_affinity_list", "effective_affinity")
		m.IRQs = append(m.IRQs, q)
	}
}

// irqSet reads an IRQ's cpulist file, or its mask file when the list is
// missing; the empty set when neither can be read.
func (d *Discoverer) irqSet(n int, listFile, maskFile string) cpuset.CPUSet {
	dir := "proc/irq/" + strconv.Itoa(n)
	if s, err := d.root.ReadString(dir, listFile); err == nil {
		if set, err := topology.ParseCPUList(s); err == nil {
			return set
		}
	}
	if s, err := d.root.ReadString(dir, maskFile); err == nil {
		if set, err := topology.ParseCPUMask(s); err == nil {
			return set
		}
	}
	return cpuset.New()
}

// irqOwners maps IRQ numbers to the PCI function that owns them, from each
// function's msi_irqs directory and legacy irq file.
func (d *Discoverer) irqOwners(m *topology.Machine) map[int]string {
	out := map[int]string{}
	for _, dev := range m.PCIDevices {
		names, _ := d.root.ReadDirNames(sysPCI, dev.Address, "msi_irqs")
		for _, n := range names {
			if id, err := strconv.Atoi(n); err == nil {
				out[id] = dev.Address
			}
		}
		if id, err := d.root.ReadInt(sysPCI, dev.Address, "irq"); err == nil && id > 0 {
			if _, taken := out[id]; !taken {
				out[id] = dev.Address
			}
		}
	}
	return out
}
