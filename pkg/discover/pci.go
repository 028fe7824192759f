package discover

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/jaypipes/ghw"
	ghwpci "github.com/jaypipes/ghw/pkg/pci"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

const sysPCI = "sys/bus/pci/devices"

// readPCI lists PCI functions with ghw (ids, names, class, driver, IOMMU
// group) and adds what ghw lacks: NUMA node, local CPUs, netdevs, SR-IOV
// links and accelerator kinds.
func (d *Discoverer) readPCI(m *topology.Machine, g *gaps) {
	listed, err := d.root.ReadDirNames(sysPCI)
	if err != nil || len(listed) == 0 {
		return // no PCI bus (small Arm boards, partial captures)
	}
	opts := append(d.ghwOptions("pci", g), ghw.WithPCIDB(d.pciDB(g)))
	info, err := ghw.PCI(opts...)
	if err != nil {
		g.addf("pci", "ghw: %v", err)
		return
	}
	if len(info.Devices) < len(listed) {
		g.addf("pci", "%s lists %d functions, ghw read %d", "/"+sysPCI, len(listed), len(info.Devices))
	}
	for _, gd := range info.Devices {
		dev := fromGHW(gd)
		d.readPCIExtras(&dev, g)
		m.PCIDevices = append(m.PCIDevices, dev)
	}
	sort.Slice(m.PCIDevices, func(i, j int) bool { return m.PCIDevices[i].Address < m.PCIDevices[j].Address })
	d.linkVFs(m)
	inferLocality(m)
}

// inferLocality gives a node to devices whose firmware gives none: the only
// node of a single-node machine, or the one node whose CPUs hold all of the
// device's local CPUs.
func inferLocality(m *topology.Machine) {
	for i := range m.PCIDevices {
		dev := &m.PCIDevices[i]
		if dev.NUMANode != topology.Unknown {
			continue
		}
		if len(m.NUMANodes) == 1 {
			dev.NUMANode = m.NUMANodes[0].ID
			continue
		}
		for _, n := range m.NUMANodes {
			if !dev.LocalCPUs.IsEmpty() && dev.LocalCPUs.IsSubsetOf(n.CPUs) {
				dev.NUMANode = n.ID
			}
		}
	}
}

func fromGHW(gd *ghwpci.Device) topology.PCIDevice {
	dev := topology.PCIDevice{Address: gd.Address, Driver: gd.Driver, IOMMUGroup: gd.IOMMUGroup,
		NUMANode: topology.Unknown, VFIndex: topology.Unknown, LocalCPUs: cpuset.New()}
	if gd.Vendor != nil {
		dev.VendorID, dev.VendorName = gd.Vendor.ID, known(gd.Vendor.Name)
	}
	if gd.Product != nil {
		dev.DeviceID, dev.DeviceName = gd.Product.ID, known(gd.Product.Name)
	}
	var class, sub, pi string
	if gd.Class != nil {
		class, dev.ClassName = gd.Class.ID, known(gd.Class.Name)
	}
	if gd.Subclass != nil {
		sub = gd.Subclass.ID
		if n := known(gd.Subclass.Name); n != "" {
			dev.ClassName = n
		}
	}
	if gd.ProgrammingInterface != nil {
		pi = gd.ProgrammingInterface.ID
	}
	dev.Class = strings.ToLower(class + sub + pi)
	return dev
}

// known turns ghw's "unknown" placeholder into the empty string.
func known(name string) string {
	if name == "unknown" {
		return ""
	}
	return name
}

// readPCIExtras reads the files of one function that ghw does not.
func (d *Discoverer) readPCIExtras(dev *topology.PCIDevice, g *gaps) {
	dir := []string{sysPCI, dev.Address}
	if n, err := d.root.ReadInt(append(dir, "numa_node")...); err == nil && n >= 0 {
		dev.NUMANode = n
	}
	if d.root.Exists(append(dir, "local_cpulist")...) {
		dev.LocalCPUs = d.cpuListFile(g, "pci", append(dir, "local_cpulist")...)
	}
	dev.NetDevs, _ = d.root.ReadDirNames(append(dir, "net")...)
	if total, err := d.root.ReadInt(append(dir, "sriov_totalvfs")...); err == nil && total > 0 {
		num, _ := d.root.ReadInt(append(dir, "sriov_numvfs")...)
		dev.SRIOV = &topology.SRIOV{TotalVFs: total, NumVFs: num}
	}
	if pf, err := d.root.LinkBase(append(dir, "physfn")...); err == nil {
		dev.PhysFn = pf
	}
	dev.Accelerator = AcceleratorKind(dev.VendorID, dev.DeviceID, dev.Class)
}

// linkVFs fills each PF's VF list and each VF's index from the PF's virtfnN
// links.
func (d *Discoverer) linkVFs(m *topology.Machine) {
	for i := range m.PCIDevices {
		pf := &m.PCIDevices[i]
		names, err := d.root.ReadDirNames(sysPCI, pf.Address)
		if err != nil {
			continue
		}
		byIndex := map[int]string{}
		for _, n := range names {
			idx, ok := virtfnIndex(n)
			if !ok {
				continue
			}
			if vf, err := d.root.LinkBase(sysPCI, pf.Address, n); err == nil {
				byIndex[idx] = vf
			}
		}
		if len(byIndex) == 0 {
			continue
		}
		if pf.SRIOV == nil {
			pf.SRIOV = &topology.SRIOV{}
		}
		for _, idx := range slices.Sorted(maps.Keys(byIndex)) {
			pf.SRIOV.VFs = append(pf.SRIOV.VFs, byIndex[idx])
			if vf := m.PCIDevice(byIndex[idx]); vf != nil {
				vf.VFIndex = idx
				vf.PhysFn = pf.Address
			}
		}
	}
}

// virtfnIndex parses "virtfn12" into 12.
func virtfnIndex(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "virtfn")
	if !ok {
		return 0, false
	}
	id, ok := cpuDirID("cpu" + rest)
	return id, ok
}
