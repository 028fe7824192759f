package topology

import "k8s.io/utils/cpuset"

// PCIDevice is one PCI function.
type PCIDevice struct {
	// Address is the full PCI address, "0000:3b:00.0".
	Address  string
	VendorID string
	DeviceID string
	// VendorName and DeviceName come from pci.ids; empty when no database
	// was found.
	VendorName string
	DeviceName string
	// Class is the six hex digits of the class code, "020000".
	Class     string
	ClassName string
	Driver    string
	// NUMANode is Unknown when the firmware does not tell.
	NUMANode   int
	IOMMUGroup string
	// LocalCPUs are the CPUs the device is close to, from local_cpulist.
	LocalCPUs cpuset.CPUSet
	// NetDevs are the network interfaces of the function.
	NetDevs []string
	// SRIOV is set on a physical function that can have VFs.
	SRIOV *SRIOV
	// PhysFn is the PF's address when the function is a VF.
	PhysFn string
	// VFIndex is the VF's index under its PF, Unknown otherwise.
	VFIndex int
	// Accelerator names the kind of accelerator, empty for other devices.
	Accelerator AcceleratorKind
}

// SRIOV holds the SR-IOV facts of a physical function.
type SRIOV struct {
	TotalVFs int `json:"totalVFs"`
	NumVFs   int `json:"numVFs"`
	// VFs are the addresses of the enabled VFs in VF-index order.
	VFs []string `json:"vfs"`
}

// AcceleratorKind names a class of accelerator.
type AcceleratorKind string

// Accelerator kinds rtnode recognises.
const (
	AccelGPU         AcceleratorKind = "gpu"
	AccelProcessing  AcceleratorKind = "processing-accelerator"
	AccelCoprocessor AcceleratorKind = "coprocessor"
	AccelQAT         AcceleratorKind = "qat"
	AccelDLB         AcceleratorKind = "dlb"
	AccelDSA         AcceleratorKind = "dsa"
	AccelIAA         AcceleratorKind = "iaa"
)

// IsVF reports whether the device is an SR-IOV virtual function.
func (d *PCIDevice) IsVF() bool { return d.PhysFn != "" }

// IRQ is one numbered interrupt line.
type IRQ struct {
	Number int
	// Chip is the interrupt controller column, "IR-PCI-MSI".
	Chip string
	// Name is the rest of the line: hardware IRQ, trigger and actions.
	Name string
	// Device is the PCI address of the owning device, when resolvable.
	Device string
	// Affinity is smp_affinity_list, EffectiveAffinity is
	// effective_affinity_list; empty when not readable.
	Affinity          cpuset.CPUSet
	EffectiveAffinity cpuset.CPUSet
	// Counts maps a CPU to the number of interrupts it served.
	Counts map[int]uint64
}

// Total is the number of interrupts served on all CPUs.
func (q *IRQ) Total() uint64 {
	var n uint64
	for _, c := range q.Counts {
		n += c
	}
	return n
}
