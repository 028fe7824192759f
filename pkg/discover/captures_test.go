package discover_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/topology"
)

// captureCase holds what a real capture's files say, written by reading
// them (cpulists, thread_siblings_list, physical_package_id, distance,
// sriov_totalvfs, class), so discovery is checked against the capture and
// not against itself.
type captureCase struct {
	name      string
	capture   string
	online    string
	offline   string
	cores     int
	sockets   []int
	nodes     map[int]string      // node ID → online CPUs
	distances map[int]map[int]int // node ID → its distance row
	siblings  map[int]string      // CPU → thread siblings
	socketOf  map[int]int         // CPU → socket
	l3        map[int]int         // CPU → L3 group
	coreTypes map[int]topology.CoreType
	devices   map[string]devWant // PCI address → facts
	cgroup    topology.CgroupMode
	cpusetAt  string
	release   string
}

type devWant struct {
	node     int
	driver   string
	class    string
	totalVFs int
	accel    topology.AcceleratorKind
}

var captureCases = []captureCase{
	{
		name: "dual Xeon L5640 with HT, two nodes and an I350 with VFs", capture: "ghw-dual-xeon-l5640-i350-vfs",
		online: "0-23", cores: 12, sockets: []int{0, 1},
		nodes:     map[int]string{0: "0,2,4,6,8,10,12,14,16,18,20,22", 1: "1,3,5,7,9,11,13,15,17,19,21,23"},
		distances: map[int]map[int]int{0: {0: 10, 1: 20}, 1: {0: 20, 1: 10}},
		siblings:  map[int]string{0: "0,12", 13: "1,13", 23: "11,23"},
		socketOf:  map[int]int{0: 1, 1: 0},
		devices: map[string]devWant{
			"0000:05:00.0": {node: 0, driver: "igb", class: "020000"},
			"0000:05:00.1": {node: 1, driver: "igb", class: "020000"},
			"0000:05:10.1": {node: 1, driver: "igbvf", class: "020000"},
		},
		cgroup: topology.CgroupHybrid, cpusetAt: "/sys/fs/cgroup/cpuset",
	},
	{
		name: "SNC-2 dual Xeon Gold 6230: four nodes, CPUs interleaved by four", capture: "hwloc-memorysidecaches",
		online: "0-79", cores: 40, sockets: []int{0, 1},
		nodes: map[int]string{
			0: "0,4,8,12,16,20,24,28,32,36,40,44,48,52,56,60,64,68,72,76",
			1: "1,5,9,13,17,21,25,29,33,37,41,45,49,53,57,61,65,69,73,77",
			2: "2,6,10,14,18,22,26,30,34,38,42,46,50,54,58,62,66,70,74,78",
			3: "3,7,11,15,19,23,27,31,35,39,43,47,51,55,59,63,67,71,75,79",
		},
		distances: map[int]map[int]int{0: {0: 10, 1: 21, 2: 11, 3: 21}},
		siblings:  map[int]string{0: "0,40", 77: "37,77"},
		socketOf:  map[int]int{0: 0, 1: 1, 2: 0},
		l3:        map[int]int{0: 0, 2: 0, 1: 1},
		cgroup:    topology.CgroupHybrid, cpusetAt: "/sys/fs/cgroup/cpuset", release: "5.3.0-rc7",
	},
	{
		name: "dual Xeon Silver 4108 with X722 SR-IOV PFs and eight co-processors", capture: "hwloc-32intel64-2p8co2t+8ve",
		online: "0-31", cores: 16, sockets: []int{0, 1},
		nodes:     map[int]string{0: "0-7,16-23", 1: "8-15,24-31"},
		distances: map[int]map[int]int{0: {0: 10, 1: 21}},
		siblings:  map[int]string{0: "0,16", 31: "15,31"},
		devices: map[string]devWant{
			"0000:60:00.0": {node: 0, class: "020000", totalVFs: 64},
			"0000:60:00.1": {node: 0, class: "020000", totalVFs: 64},
			"0000:1b:00.0": {node: 0, class: "0b4000", accel: topology.AccelCoprocessor},
		},
		cgroup: topology.CgroupV1, cpusetAt: "/sys/fs/cgroup/cpuset", release: "3.10.0-1160.15.2.el7.x86_64",
	},
	{
		name: "four-socket Xeon E7 without HT, one node per socket", capture: "hwloc-40intel64-2g2n4c+pcilocality",
		online: "0-39", cores: 40, sockets: []int{0, 1, 2, 3},
		nodes: map[int]string{0: "0,4,8,12,16,20,24,28,32,36", 1: "1,5,9,13,17,21,25,29,33,37",
			2: "2,6,10,14,18,22,26,30,34,38", 3: "3,7,11,15,19,23,27,31,35,39"},
		siblings: map[int]string{0: "0", 39: "39"},
		cgroup:   topology.CgroupV1, cpusetAt: "/dev/cpuset",
	},
	{
		name: "four Opteron 6276: eight nodes, asymmetric distances", capture: "hwloc-64amd64-4s2n4ca2co",
		online: "0-63", cores: 32, sockets: []int{0, 1, 2, 3},
		nodes:     map[int]string{0: "0-7", 1: "8-15", 7: "56-63"},
		distances: map[int]map[int]int{1: {0: 16, 1: 10, 2: 22, 3: 16, 4: 16, 5: 22, 6: 22, 7: 16}},
		siblings:  map[int]string{0: "0-1", 63: "62-63"},
		l3:        map[int]int{0: 0, 7: 0, 8: 8},
	},
	{
		name: "hybrid Core i7-1370P: six P-cores with HT, eight E-cores in two clusters", capture: "hwloc-20em64t-hybrid-1p6c2t+2ca4co1t",
		online: "0-19", cores: 14, sockets: []int{0},
		nodes:     map[int]string{0: "0-19"},
		siblings:  map[int]string{0: "0-1", 11: "10-11", 12: "12", 19: "19"},
		l3:        map[int]int{0: 0, 19: 0},
		coreTypes: map[int]topology.CoreType{0: topology.CorePerformance, 11: topology.CorePerformance, 12: topology.CoreEfficiency, 19: topology.CoreEfficiency},
		cgroup:    topology.CgroupV2, cpusetAt: "/sys/fs/cgroup", release: "6.1.0-13-amd64",
	},
	{
		name: "two-core Arm board without a NUMA directory is one node", capture: "hwloc-2arm-2c",
		online: "0-1", cores: 2, sockets: []int{3},
		nodes:    map[int]string{0: "0-1"},
		siblings: map[int]string{0: "0", 1: "1"},
	},
	{
		name: "Xeon E5-2680 v3 with CPU0-3 and node 0 offline", capture: "hwloc-offline-cpu0-node0",
		online: "4-20", offline: "0-3,21-23", cores: 17, sockets: []int{0, 1},
		nodes:    map[int]string{1: "5,7,9,11,13,15,17,19"},
		siblings: map[int]string{4: "4", 5: "5"},
		cgroup:   topology.CgroupV1, cpusetAt: "/sys/fs/cgroup/cpuset",
	},
	{
		name: "VM with a processing accelerator (class 0x1200)", capture: "ghw-accel-0x1200",
		online: "0-1", cores: 2, sockets: []int{0, 1},
		nodes: map[int]string{0: "0-1"},
		devices: map[string]devWant{
			"0000:00:04.0": {node: 0, class: "120000", driver: "fake_pci_driver", accel: topology.AccelProcessing},
			"0000:00:01.0": {node: 0, class: "030000", driver: "virtio-pci"},
		},
		cgroup: topology.CgroupV2, cpusetAt: "/sys/fs/cgroup",
	},
	{
		name: "8-CPU VM with an NVIDIA P100 3D controller", capture: "ghw-accel-nvidia-p100",
		online: "0-7", cores: 8, sockets: []int{0},
		nodes: map[int]string{0: "0-7"},
		devices: map[string]devWant{
			"0000:06:00.0": {node: 0, class: "030200", driver: "nvidia", accel: topology.AccelGPU},
		},
		cgroup: topology.CgroupV2, cpusetAt: "/sys/fs/cgroup",
	},
}

func TestDiscoverCaptures(t *testing.T) {
	for _, tc := range captureCases {
		t.Run(tc.capture, func(t *testing.T) {
			t.Parallel()
			root := testmachine.Unpack(t, tc.capture)
			m, err := discover.New(root, nil).Discover(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			checkCapture(t, tc, m)
		})
	}
}

func checkCapture(t *testing.T, tc captureCase, m *topology.Machine) {
	t.Helper()
	eq(t, "online cpus", m.OnlineCPUs().String(), tc.online)
	eq(t, "offline cpus", m.OfflineCPUs().String(), tc.offline)
	eq(t, "cores", len(m.Cores()), tc.cores)
	eq(t, "sockets", m.Sockets(), tc.sockets)
	for id, cpus := range tc.nodes {
		n := m.NUMANode(id)
		if n == nil {
			t.Errorf("node %d missing; nodes are %v", id, m.NUMANodeIDs())
			continue
		}
		eq(t, "cpus of node", n.CPUs.String(), cpus)
		eq(t, "CPUsInNUMANodes", m.CPUsInNUMANodes(id).String(), cpus)
	}
	if len(tc.nodes) > 0 && len(m.NUMANodes) < len(tc.nodes) {
		t.Errorf("numa nodes = %v, want at least %d", m.NUMANodeIDs(), len(tc.nodes))
	}
	for id, row := range tc.distances {
		if n := m.NUMANode(id); n != nil {
			eq(t, "distances", n.Distances, row)
		}
	}
	for cpu, sib := range tc.siblings {
		eq(t, "siblings", m.SiblingsOf(cpu).String(), sib)
	}
	for cpu, s := range tc.socketOf {
		eq(t, "socket", m.CPU(cpu).Socket, s)
	}
	for cpu, l3 := range tc.l3 {
		eq(t, "l3 group", m.CPU(cpu).L3, l3)
	}
	for cpu, ct := range tc.coreTypes {
		eq(t, "core type", m.CPU(cpu).CoreType, ct)
	}
	checkDevices(t, tc.devices, m)
	if tc.cgroup != "" {
		eq(t, "cgroup mode", m.Cgroup.Mode, tc.cgroup)
		eq(t, "cpuset mount", m.Cgroup.CPUSetMount, tc.cpusetAt)
	}
	if tc.release != "" {
		eq(t, "kernel release", m.Kernel.Release, tc.release)
	}
}

func checkDevices(t *testing.T, want map[string]devWant, m *topology.Machine) {
	t.Helper()
	for addr, w := range want {
		d := m.PCIDevice(addr)
		if d == nil {
			t.Errorf("pci device %s missing", addr)
			continue
		}
		got := devWant{node: d.NUMANode, driver: d.Driver, class: d.Class, accel: d.Accelerator}
		if d.SRIOV != nil {
			got.totalVFs = d.SRIOV.TotalVFs
		}
		if w.driver == "" {
			got.driver = ""
		}
		if diff := cmp.Diff(w, got, cmp.AllowUnexported(devWant{})); diff != "" {
			t.Errorf("pci %s (-want +got):\n%s", addr, diff)
		}
	}
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}
