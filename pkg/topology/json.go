package topology

import (
	"encoding/json"
	"strconv"

	"k8s.io/utils/cpuset"
)

// The JSON form of a Machine is documented in docs/discover.md. CPU sets are
// cpulist strings; maps keyed by CPU or node ID have decimal string keys.

type machineJSON struct {
	CPUs         string       `json:"cpus"`
	OfflineCPUs  string       `json:"offlineCPUs"`
	IsolatedCPUs string       `json:"isolatedCPUs"`
	NoHZFullCPUs string       `json:"nohzFullCPUs"`
	LogicalCPUs  []cpuJSON    `json:"logicalCPUs"`
	Packages     []Package    `json:"packages"`
	Cores        []coreJSON   `json:"cores"`
	NUMANodes    []nodeJSON   `json:"numaNodes"`
	PCIDevices   []pciJSON    `json:"pciDevices"`
	IRQs         []irqJSON    `json:"irqs"`
	Kernel       kernelJSON   `json:"kernel"`
	Cgroup       cgroupJSON   `json:"cgroup"`
	Tunables     tunablesJSON `json:"tunables"`
	Partial      []gapJSON    `json:"partial"`
}

type tunablesJSON struct {
	Sysctls            map[string]string `json:"sysctls"`
	THP                string            `json:"thp,omitempty"`
	DefaultIRQAffinity *string           `json:"defaultIRQAffinity,omitempty"`
	WorkqueueMask      *string           `json:"workqueueMask,omitempty"`
	WritebackMask      *string           `json:"writebackMask,omitempty"`
}

func tunablesView(t *Tunables) tunablesJSON {
	opt := func(set cpuset.CPUSet, ok bool) *string {
		if !ok {
			return nil
		}
		s := set.String()
		return &s
	}
	sys := t.Sysctls
	if sys == nil {
		sys = map[string]string{}
	}
	return tunablesJSON{Sysctls: sys, THP: t.THP,
		DefaultIRQAffinity: opt(t.DefaultIRQAffinity, t.HasDefaultIRQAffinity),
		WorkqueueMask:      opt(t.WorkqueueMask, t.HasWorkqueueMask),
		WritebackMask:      opt(t.WritebackMask, t.HasWritebackMask)}
}

type cpuJSON struct {
	ID         int         `json:"id"`
	Online     bool        `json:"online"`
	Core       int         `json:"core"`
	Socket     int         `json:"socket"`
	Die        int         `json:"die"`
	Cluster    int         `json:"cluster"`
	NUMANode   int         `json:"numaNode"`
	L3         int         `json:"l3"`
	Siblings   string      `json:"siblings"`
	Isolated   bool        `json:"isolated"`
	NoHZFull   bool        `json:"nohzFull"`
	CoreType   CoreType    `json:"coreType,omitempty"`
	Governor   string      `json:"governor,omitempty"`
	IdleStates []IdleState `json:"idleStates,omitempty"`
}

type coreJSON struct {
	Socket   int    `json:"socket"`
	Die      int    `json:"die"`
	ID       int    `json:"id"`
	NUMANode int    `json:"numaNode"`
	CPUs     string `json:"cpus"`
}

type nodeJSON struct {
	ID        int            `json:"id"`
	CPUs      string         `json:"cpus"`
	Distances map[string]int `json:"distances"`
	MemTotal  int64          `json:"memTotalBytes"`
	MemFree   int64          `json:"memFreeBytes"`
	HugePages []HugePages    `json:"hugepages"`
}

type pciJSON struct {
	Address     string          `json:"address"`
	VendorID    string          `json:"vendorID"`
	DeviceID    string          `json:"deviceID"`
	VendorName  string          `json:"vendor,omitempty"`
	DeviceName  string          `json:"device,omitempty"`
	Class       string          `json:"class"`
	ClassName   string          `json:"className,omitempty"`
	Driver      string          `json:"driver,omitempty"`
	NUMANode    int             `json:"numaNode"`
	IOMMUGroup  string          `json:"iommuGroup,omitempty"`
	LocalCPUs   string          `json:"localCPUs,omitempty"`
	NetDevs     []string        `json:"netDevs,omitempty"`
	SRIOV       *SRIOV          `json:"sriov,omitempty"`
	PhysFn      string          `json:"physFn,omitempty"`
	VFIndex     *int            `json:"vfIndex,omitempty"`
	Accelerator AcceleratorKind `json:"accelerator,omitempty"`
}

type irqJSON struct {
	IRQ               int               `json:"irq"`
	Chip              string            `json:"chip"`
	Name              string            `json:"name"`
	Device            string            `json:"device,omitempty"`
	Affinity          string            `json:"affinity"`
	EffectiveAffinity string            `json:"effectiveAffinity"`
	Counts            map[string]uint64 `json:"counts"`
}

type kernelJSON struct {
	Release     string       `json:"release"`
	Version     string       `json:"version"`
	Preempt     string       `json:"preempt"`
	PreemptRT   bool         `json:"preemptRT"`
	Cmdline     string       `json:"cmdline"`
	Isolcpus    isolcpusJSON `json:"isolcpus"`
	NoHZFull    string       `json:"nohzFull"`
	RCUNoCBs    string       `json:"rcuNoCBs"`
	IRQAffinity string       `json:"irqAffinity"`
}

type isolcpusJSON struct {
	Flags []string `json:"flags"`
	CPUs  string   `json:"cpus"`
}

type cgroupJSON struct {
	Mode          CgroupMode        `json:"mode"`
	CPUSetMount   string            `json:"cpusetMount"`
	CPUSetVersion int               `json:"cpusetVersion"`
	UnifiedMount  string            `json:"unifiedMount,omitempty"`
	Files         map[string]string `json:"files,omitempty"`
}

type gapJSON struct {
	What string `json:"what"`
	Why  string `json:"why"`
}

// MarshalJSON writes the documented JSON form of the machine.
func (m Machine) MarshalJSON() ([]byte, error) {
	v := machineJSON{
		CPUs:         m.OnlineCPUs().String(),
		OfflineCPUs:  m.OfflineCPUs().String(),
		IsolatedCPUs: m.IsolatedCPUs().String(),
		NoHZFullCPUs: m.NoHZFullCPUs().String(),
		LogicalCPUs:  make([]cpuJSON, 0, len(m.CPUs)),
		Packages:     append([]Package{}, m.Packages...),
		Cores:        []coreJSON{},
		NUMANodes:    make([]nodeJSON, 0, len(m.NUMANodes)),
		PCIDevices:   make([]pciJSON, 0, len(m.PCIDevices)),
		IRQs:         make([]irqJSON, 0, len(m.IRQs)),
		Kernel:       kernelView(&m.Kernel),
		Cgroup:       cgroupJSON(m.Cgroup),
		Tunables:     tunablesView(&m.Tunables),
		Partial:      make([]gapJSON, 0, len(m.Partial)),
	}
	for _, c := range m.CPUs {
		v.LogicalCPUs = append(v.LogicalCPUs, cpuJSON{
			ID: c.ID, Online: c.Online, Core: c.Core, Socket: c.Socket, Die: c.Die,
			Cluster: c.Cluster, NUMANode: c.NUMANode, L3: c.L3, Siblings: c.Siblings.String(),
			Isolated: c.Isolated, NoHZFull: c.NoHZFull, CoreType: c.CoreType,
			Governor: c.Governor, IdleStates: c.IdleStates,
		})
	}
	for _, c := range m.Cores() {
		v.Cores = append(v.Cores, coreJSON{c.Socket, c.Die, c.ID, c.NUMANode, c.CPUs.String()})
	}
	for _, n := range m.NUMANodes {
		v.NUMANodes = append(v.NUMANodes, nodeView(&n))
	}
	for _, d := range m.PCIDevices {
		v.PCIDevices = append(v.PCIDevices, pciView(&d))
	}
	for _, q := range m.IRQs {
		v.IRQs = append(v.IRQs, irqJSON{
			IRQ: q.Number, Chip: q.Chip, Name: q.Name, Device: q.Device,
			Affinity: q.Affinity.String(), EffectiveAffinity: q.EffectiveAffinity.String(),
			Counts: intKeys(q.Counts),
		})
	}
	for _, g := range m.Partial {
		v.Partial = append(v.Partial, gapJSON(g))
	}
	return json.Marshal(v)
}

func nodeView(n *NUMANode) nodeJSON {
	hp := n.HugePages
	if hp == nil {
		hp = []HugePages{}
	}
	return nodeJSON{ID: n.ID, CPUs: n.CPUs.String(), Distances: intKeys(n.Distances),
		MemTotal: n.MemTotal, MemFree: n.MemFree, HugePages: hp}
}

func pciView(d *PCIDevice) pciJSON {
	v := pciJSON{
		Address: d.Address, VendorID: d.VendorID, DeviceID: d.DeviceID,
		VendorName: d.VendorName, DeviceName: d.DeviceName, Class: d.Class,
		ClassName: d.ClassName, Driver: d.Driver, NUMANode: d.NUMANode,
		IOMMUGroup: d.IOMMUGroup, LocalCPUs: d.LocalCPUs.String(), NetDevs: d.NetDevs,
		SRIOV: d.SRIOV, PhysFn: d.PhysFn, Accelerator: d.Accelerator,
	}
	if d.IsVF() {
		idx := d.VFIndex
		v.VFIndex = &idx
	}
	return v
}

func kernelView(k *Kernel) kernelJSON {
	flags := k.Isolcpus.Flags
	if flags == nil {
		flags = []string{}
	}
	return kernelJSON{
		Release: k.Release, Version: k.Version, Preempt: k.Preempt, PreemptRT: k.PreemptRT(),
		Cmdline: k.Cmdline, Isolcpus: isolcpusJSON{flags, k.Isolcpus.CPUs.String()},
		NoHZFull: k.NoHZFull.String(), RCUNoCBs: k.RCUNoCBs.String(), IRQAffinity: k.IRQAffinity.String(),
	}
}

func intKeys[V any](m map[int]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[strconv.Itoa(k)] = v
	}
	return out
}

// CPUList formats a set in the cpulist notation; it exists so callers that
// only hold IDs need not build a set.
func CPUList(ids ...int) string { return cpuset.New(ids...).String() }
