package topology_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// smallHT is two sockets, each one NUMA node with two cores of two threads,
// Linux-style numbering (siblings are n and n+4); CPU 7 is offline and
// CPU 5 isolated.
func smallHT() *topology.Machine {
	m := &topology.Machine{}
	for id := 0; id < 8; id++ {
		core := id % 4
		socket := core / 2
		sib := cpuset.New(core, core+4)
		if id == 7 || id == 3 {
			sib = cpuset.New(3)
		}
		c := topology.CPU{ID: id, Online: id != 7, Core: core % 2, Socket: socket, Die: 0, Cluster: topology.Unknown,
			NUMANode: socket, L3: socket * 2, Siblings: sib, Isolated: id == 5}
		if id == 7 {
			c = topology.CPU{ID: 7, Die: topology.Unknown, Cluster: topology.Unknown, NUMANode: topology.Unknown, L3: topology.Unknown, Siblings: cpuset.New()}
		}
		m.CPUs = append(m.CPUs, c)
	}
	m.NUMANodes = []topology.NUMANode{
		{ID: 0, CPUs: cpuset.New(0, 1, 4, 5), Distances: map[int]int{0: 10, 1: 21}, MemTotal: 8 << 30, MemFree: 6 << 30,
			HugePages: []topology.HugePages{{SizeKiB: 2048, Total: 512, Free: 500}}},
		{ID: 1, CPUs: cpuset.New(2, 3, 6), Distances: map[int]int{0: 21, 1: 10}},
	}
	m.PCIDevices = []topology.PCIDevice{
		{Address: "0000:3b:00.0", VendorID: "8086", DeviceID: "1572", Class: "020000", NUMANode: 1, Driver: "i40e",
			SRIOV: &topology.SRIOV{TotalVFs: 8, NumVFs: 1, VFs: []string{"0000:3b:02.0"}}, VFIndex: topology.Unknown, LocalCPUs: cpuset.New(2, 3, 6)},
		{Address: "0000:3b:02.0", VendorID: "8086", DeviceID: "154c", Class: "020000", NUMANode: 1, PhysFn: "0000:3b:00.0", VFIndex: 0, LocalCPUs: cpuset.New()},
		{Address: "0000:5e:00.0", VendorID: "10de", DeviceID: "15f8", Class: "030200", NUMANode: 0, Accelerator: topology.AccelGPU, VFIndex: topology.Unknown, LocalCPUs: cpuset.New()},
	}
	m.IRQs = []topology.IRQ{
		{Number: 24, Chip: "IR-PCI-MSI", Name: "eth0", Affinity: cpuset.New(0), EffectiveAffinity: cpuset.New(0), Counts: map[int]uint64{0: 5}},
		{Number: 25, Chip: "IR-PCI-MSI", Name: "eth0-1", Affinity: cpuset.New(5, 6), EffectiveAffinity: cpuset.New(5), Counts: map[int]uint64{5: 7, 6: 1}},
	}
	m.Kernel = topology.Kernel{Release: "6.6.0-rt", Preempt: "rt", Isolcpus: topology.Isolcpus{Flags: []string{"domain"}, CPUs: cpuset.New(5)}}
	m.Cgroup = topology.Cgroup{Mode: topology.CgroupV2, CPUSetMount: "/sys/fs/cgroup", CPUSetVersion: 2}
	return m
}

func TestQueries(t *testing.T) {
	m := smallHT()
	for _, tc := range []struct {
		name string
		got  cpuset.CPUSet
		want string
	}{
		{"online cpus leave the offline cpu 7 out", m.OnlineCPUs(), "0-6"},
		{"offline cpus", m.OfflineCPUs(), "7"},
		{"isolated cpus", m.IsolatedCPUs(), "5"},
		{"siblings of cpu 1 are 1 and 5", m.SiblingsOf(1), "1,5"},
		{"the sibling of an offline thread is not listed", m.SiblingsOf(3), "3"},
		{"an unknown cpu has no siblings", m.SiblingsOf(99), ""},
		{"cpus in node 1", m.CPUsInNUMANodes(1), "2-3,6"},
		{"cpus in both nodes", m.CPUsInNUMANodes(0, 1), "0-6"},
		{"cpus in socket 0", m.CPUsInSockets(0), "0-1,4-5"},
		{"cpus sharing L3 group 2", m.CPUsInL3(2), "2-3,6"},
		{"no cpus share an unknown L3", m.CPUsInL3(topology.Unknown), ""},
	} {
		if got := tc.got.String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if diff := cmp.Diff([]int{0, 1}, m.Sockets()); diff != "" {
		t.Errorf("sockets: %s", diff)
	}
	var cores []string
	for _, c := range m.Cores() {
		cores = append(cores, c.CPUs.String())
	}
	if diff := cmp.Diff([]string{"0,4", "1,5", "2,6", "3"}, cores); diff != "" {
		t.Errorf("cores (-want +got): %s", diff)
	}
	if n := len(m.CoresInSocket(1)); n != 2 {
		t.Errorf("cores in socket 1 = %d, want 2", n)
	}
	if irqs := m.IRQsOn(m.IsolatedCPUs()); len(irqs) != 1 || irqs[0].Number != 25 {
		t.Errorf("irqs on isolated cpus = %v, want irq 25", irqs)
	}
	if q := m.IRQs[1]; q.Total() != 8 {
		t.Errorf("irq 25 total = %d, want 8", q.Total())
	}
	if len(m.Accelerators()) != 1 || m.PCIDevice("0000:3b:02.0").IsVF() != true {
		t.Errorf("accelerators or VF facts wrong")
	}
}

// TestJSONShape checks the documented field names and the cpulist form.
func TestJSONShape(t *testing.T) {
	b, err := json.Marshal(smallHT())
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		CPUs      string `json:"cpus"`
		NUMANodes []struct {
			ID        int            `json:"id"`
			CPUs      string         `json:"cpus"`
			Distances map[string]int `json:"distances"`
		} `json:"numaNodes"`
		Cores      []struct{ CPUs string } `json:"cores"`
		PCIDevices []struct {
			Address  string `json:"address"`
			NUMANode int    `json:"numaNode"`
			SRIOV    *struct {
				TotalVFs int `json:"totalVFs"`
				NumVFs   int `json:"numVFs"`
			} `json:"sriov"`
			VFIndex *int `json:"vfIndex"`
		} `json:"pciDevices"`
		IRQs []struct {
			IRQ      int    `json:"irq"`
			Affinity string `json:"affinity"`
		} `json:"irqs"`
		Kernel struct {
			Cmdline   string `json:"cmdline"`
			PreemptRT bool   `json:"preemptRT"`
		} `json:"kernel"`
		Cgroup struct {
			Mode string `json:"mode"`
		} `json:"cgroup"`
		Partial []any `json:"partial"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.CPUs != "0-6" || v.NUMANodes[1].CPUs != "2-3,6" || v.NUMANodes[1].Distances["0"] != 21 ||
		v.Cores[0].CPUs != "0,4" || v.PCIDevices[0].SRIOV.TotalVFs != 8 || v.PCIDevices[0].VFIndex != nil ||
		*v.PCIDevices[1].VFIndex != 0 || v.IRQs[1].IRQ != 25 || v.IRQs[1].Affinity != "5-6" ||
		!v.Kernel.PreemptRT || v.Cgroup.Mode != "v2" || v.Partial == nil {
		t.Errorf("unexpected JSON: %s", b)
	}
}

func TestTreeMarksIsolatedAndOffline(t *testing.T) {
	tree := smallHT().Tree()
	for _, want := range []string{
		"machine: 7 cpus online (0-6), 4 cores, 2 sockets, 2 numa nodes",
		"isolated (*): 5",
		"    core 1: cpu1 cpu5*",
		"  node 1\n",
		"pci 0000:3b:00.0 8086:1572 [020000] driver=i40e sriov=1/8",
		"pci 0000:3b:02.0 8086:154c [020000] vf0-of=0000:3b:00.0",
		"accel=gpu",
		"offline cpus: 7",
	} {
		if !strings.Contains(tree, want) {
			t.Errorf("tree lacks %q:\n%s", want, tree)
		}
	}
}
