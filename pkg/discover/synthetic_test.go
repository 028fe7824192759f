package discover_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/topology"
)

// edgeBox is a synthetic 4-CPU host (two cores with two threads) with an
// X710 PF and two VFs linked as the kernel links them, a QAT 4xxx
// accelerator, IRQs, a PREEMPT_RT kernel booted with isolation arguments,
// cpufreq and cpuidle, and cgroup v2.
func edgeBox() testmachine.Tree {
	t := testmachine.Tree{
		"sys/devices/system/cpu/online":                                              "0-3\n",
		"sys/devices/system/cpu/isolated":                                            "2-3\n",
		"sys/devices/system/cpu/nohz_full":                                           "2-3\n",
		"sys/devices/system/node/online":                                             "0\n",
		"sys/devices/system/node/node0/cpulist":                                      "0-3\n",
		"sys/devices/system/node/node0/distance":                                     "10\n",
		"sys/devices/system/node/node0/meminfo":                                      "Node 0 MemTotal:  8388608 kB\nNode 0 MemFree:   4194304 kB\n",
		"sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages":      "64\n",
		"sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages":    "60\n",
		"sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages":   "2\n",
		"sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages": "2\n",
		"sys/devices/cpu_core/cpus":                                                  "0-1\n",
		"sys/devices/cpu_atom/cpus":                                                  "2-3\n",
		"proc/cpuinfo":                                                               "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Test CPU\nphysical id\t: 0\n\n",
		"proc/version":                                                               "Linux version 6.6.15-rt22 (builder@host) (gcc 12) #1 SMP PREEMPT_RT Fri Jan 1 00:00:00 UTC 2024\n",
		"proc/sys/kernel/osrelease":                                                  "6.6.15-rt22\n",
		"sys/kernel/realtime":                                                        "1\n",
		"proc/cmdline":                                                               `BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=managed_irq,domain,2-3 nohz_full=2-3 rcu_nocbs=2-3 irqaffinity=0-1 dyndbg="file a.c +p" quiet` + "\n",
		"proc/self/mounts":                                                           "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\nproc /proc proc rw 0 0\n",
		"sys/fs/cgroup/cgroup.controllers":                                           "cpuset cpu io memory hugetlb pids\n",
		"proc/interrupts": "           CPU0       CPU1       CPU2       CPU3\n" +
			" 24:        100          0          5          0  IR-PCI-MSI 1048576-edge      ens1f0-TxRx-0\n" +
			" 25:          0        200          0          0  IR-PCI-MSI 1048577-edge      ens1f0-TxRx-1\n" +
			" 30:          7          0          0          0  IR-PCI-MSI 2097152-edge      qat_4xxx\n" +
			"LOC:       1000       1000         10         10   Local timer interrupts\n" +
			"ERR:          0\n",
		"proc/irq/24/smp_affinity_list":               "0-1\n",
		"proc/irq/24/effective_affinity_list":         "0\n",
		"proc/irq/25/smp_affinity":                    "00000000,00000002\n",
		"proc/irq/25/effective_affinity":              "2\n",
		"proc/irq/30/smp_affinity_list":               "0-3\n",
		"proc/irq/default_smp_affinity":               "f\n",
		"proc/sys/kernel/timer_migration":             "1\n",
		"proc/sys/kernel/sched_rt_runtime_us":         "950000\n",
		"proc/sys/vm/stat_interval":                   "1\n",
		"proc/sys/vm/swappiness":                      "60\n",
		"sys/kernel/mm/transparent_hugepage/enabled":  "always [madvise] never\n",
		"sys/devices/virtual/workqueue/cpumask":       "f\n",
		"sys/bus/workqueue/devices/writeback/cpumask": "3\n",
	}
	for cpu := 0; cpu < 4; cpu++ {
		dir := fmt.Sprintf("sys/devices/system/cpu/cpu%d/", cpu)
		core := cpu / 2
		t[dir+"topology/physical_package_id"] = "0\n"
		t[dir+"topology/core_id"] = fmt.Sprint(core, "\n")
		t[dir+"topology/die_id"] = "0\n"
		t[dir+"topology/cluster_id"] = fmt.Sprint(core*8, "\n")
		t[dir+"topology/thread_siblings_list"] = fmt.Sprintf("%d-%d\n", core*2, core*2+1)
		t[dir+"cache/index3/level"] = "3\n"
		t[dir+"cache/index3/shared_cpu_list"] = "0-3\n"
		t[dir+"cpufreq/scaling_governor"] = "performance\n"
		t[dir+"cpuidle/state0/name"] = "POLL\n"
		t[dir+"cpuidle/state0/latency"] = "0\n"
		t[dir+"cpuidle/state0/disable"] = "0\n"
		t[dir+"cpuidle/state1/name"] = "C1\n"
		t[dir+"cpuidle/state1/latency"] = "2\n"
		t[dir+"cpuidle/state1/disable"] = "1\n"
	}
	addPCI(t, "0000:01:00.0", "8086", "1572", "020000", "i40e", map[string]string{
		"sriov_totalvfs": "64\n", "sriov_numvfs": "2\n",
		"virtfn0": "-> ../0000:01:02.0", "virtfn1": "-> ../0000:01:02.1",
		"net/ens1f0/": "", "msi_irqs/24": "msi\n", "msi_irqs/25": "msi\n",
	})
	addPCI(t, "0000:01:02.0", "8086", "154c", "020000", "iavf", map[string]string{"physfn": "-> ../0000:01:00.0", "net/ens1f0v0/": ""})
	addPCI(t, "0000:01:02.1", "8086", "154c", "020000", "vfio-pci", map[string]string{"physfn": "-> ../0000:01:00.0"})
	addPCI(t, "0000:02:00.0", "8086", "4940", "0b4000", "4xxx", map[string]string{"msi_irqs/30": "msi\n"})
	return t
}

// addPCI adds a PCI function the way sysfs lays it out: the device
// directory under /sys/devices and a link to it in /sys/bus/pci/devices.
func addPCI(t testmachine.Tree, addr, vendor, device, class, driver string, extra map[string]string) {
	dir := "sys/devices/pci0000:00/" + addr + "/"
	t["sys/bus/pci/devices/"+addr] = "-> ../../../devices/pci0000:00/" + addr
	t[dir+"modalias"] = fmt.Sprintf("pci:v0000%sd0000%ssv00008086sd00000000bc%ssc%si%s\n",
		upper(vendor), upper(device), upper(class[0:2]), upper(class[2:4]), upper(class[4:6]))
	t[dir+"vendor"] = "0x" + vendor + "\n"
	t[dir+"device"] = "0x" + device + "\n"
	t[dir+"class"] = "0x" + class + "\n"
	t[dir+"numa_node"] = "0\n"
	t[dir+"local_cpulist"] = "0-3\n"
	t[dir+"driver"] = "-> ../../../bus/pci/drivers/" + driver
	t["sys/bus/pci/drivers/"+driver+"/"] = ""
	for k, v := range extra {
		t[dir+k] = v
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func discoverTree(t *testing.T, tree testmachine.Tree) *topology.Machine {
	t.Helper()
	m, err := discover.New(testmachine.Build(t, tree), nil).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSyntheticSRIOVLinks(t *testing.T) {
	m := discoverTree(t, edgeBox())
	pf := m.PCIDevice("0000:01:00.0")
	if pf == nil || pf.SRIOV == nil {
		t.Fatalf("PF missing or without SR-IOV: %+v", pf)
	}
	eq(t, "pf sriov", *pf.SRIOV, topology.SRIOV{TotalVFs: 64, NumVFs: 2, VFs: []string{"0000:01:02.0", "0000:01:02.1"}})
	eq(t, "pf netdevs", pf.NetDevs, []string{"ens1f0"})
	for i, addr := range []string{"0000:01:02.0", "0000:01:02.1"} {
		vf := m.PCIDevice(addr)
		eq(t, "vf physfn", vf.PhysFn, "0000:01:00.0")
		eq(t, "vf index", vf.VFIndex, i)
		eq(t, "vf is vf", vf.IsVF(), true)
	}
	eq(t, "vf driver", m.PCIDevice("0000:01:02.1").Driver, "vfio-pci")
	eq(t, "pf is vf", pf.IsVF(), false)
}

func TestSyntheticQATByDeviceID(t *testing.T) {
	m := discoverTree(t, edgeBox())
	eq(t, "qat kind", m.PCIDevice("0000:02:00.0").Accelerator, topology.AccelQAT)
	eq(t, "nic kind", m.PCIDevice("0000:01:00.0").Accelerator, topology.AcceleratorKind(""))
	eq(t, "accelerators", len(m.Accelerators()), 1)
}

func TestSyntheticIRQs(t *testing.T) {
	m := discoverTree(t, edgeBox())
	if len(m.IRQs) != 3 {
		t.Fatalf("irqs = %d, want 3 (LOC and ERR are not numbered)", len(m.IRQs))
	}
	q := m.IRQs[0]
	eq(t, "irq 24", []any{q.Number, q.Chip, q.Name, q.Device, q.Affinity.String(), q.EffectiveAffinity.String(), q.Counts[2], q.Total()},
		[]any{24, "IR-PCI-MSI", "1048576-edge ens1f0-TxRx-0", "0000:01:00.0", "0-1", "0", uint64(5), uint64(105)})
	eq(t, "irq 25 from masks", []string{m.IRQs[1].Affinity.String(), m.IRQs[1].EffectiveAffinity.String()}, []string{"1", "1"})
	eq(t, "irq 30 owner", m.IRQs[2].Device, "0000:02:00.0")
	eq(t, "irqs on isolated cpus", len(m.IRQsOn(m.IsolatedCPUs())), 1)
}

func TestSyntheticHybridCoreTypesFromPMUs(t *testing.T) {
	m := discoverTree(t, edgeBox())
	for cpu, want := range map[int]topology.CoreType{0: topology.CorePerformance, 1: topology.CorePerformance, 2: topology.CoreEfficiency, 3: topology.CoreEfficiency} {
		eq(t, fmt.Sprint("cpu", cpu), m.CPU(cpu).CoreType, want)
	}
}

func TestSyntheticKernelAndIsolation(t *testing.T) {
	m := discoverTree(t, edgeBox())
	k := m.Kernel
	eq(t, "release", k.Release, "6.6.15-rt22")
	eq(t, "preempt rt", k.PreemptRT(), true)
	eq(t, "isolcpus", []string{fmt.Sprint(k.Isolcpus.Flags), k.Isolcpus.CPUs.String()}, []string{"[managed_irq domain]", "2-3"})
	eq(t, "nohz_full= rcu_nocbs= irqaffinity=", []string{k.NoHZFull.String(), k.RCUNoCBs.String(), k.IRQAffinity.String()}, []string{"2-3", "2-3", "0-1"})
	eq(t, "isolated cpus", m.IsolatedCPUs().String(), "2-3")
	eq(t, "nohz_full cpus", m.NoHZFullCPUs().String(), "2-3")
	eq(t, "cgroup", m.Cgroup, topology.Cgroup{Mode: topology.CgroupV2, CPUSetMount: "/sys/fs/cgroup", CPUSetVersion: 2, UnifiedMount: "/sys/fs/cgroup", Files: map[string]string{}})
	for _, g := range m.Partial {
		if g.What != "pci names" {
			t.Errorf("unexpected gap %s: %s", g.What, g.Why)
		}
	}
}

func TestSyntheticPowerAndMemory(t *testing.T) {
	m := discoverTree(t, edgeBox())
	c := m.CPU(3)
	eq(t, "governor", c.Governor, "performance")
	eq(t, "idle states", c.IdleStates, []topology.IdleState{{Index: 0, Name: "POLL"}, {Index: 1, Name: "C1", LatencyMicros: 2, Disabled: true}})
	eq(t, "cluster", c.Cluster, 8)
	eq(t, "l3", c.L3, 0)
	n := m.NUMANode(0)
	eq(t, "memory", []int64{n.MemTotal, n.MemFree}, []int64{8 << 30, 4 << 30})
	eq(t, "hugepages", n.HugePages, []topology.HugePages{{SizeKiB: 2048, Total: 64, Free: 60}, {SizeKiB: 1048576, Total: 2, Free: 2}})
}

func TestSyntheticOddFilesBecomeGaps(t *testing.T) {
	tree := edgeBox()
	tree["proc/interrupts"] = "garbage without a header\n"
	tree["sys/devices/system/cpu/isolated"] = "2-x\n"
	tree["sys/devices/system/node/node0/distance"] = "ten\n"
	delete(tree, "proc/cmdline")
	m := discoverTree(t, tree)
	want := map[string]bool{"irqs": false, "isolated": false, "numa distances": false, "kernel cmdline": false}
	for _, g := range m.Partial {
		if _, ok := want[g.What]; ok {
			want[g.What] = true
		}
	}
	for what, seen := range want {
		if !seen {
			t.Errorf("no gap for %s; gaps: %v", what, m.Partial)
		}
	}
	eq(t, "online cpus still read", m.OnlineCPUs().String(), "0-3")
}

// TestOddRootsNeverPanic discovers roots that hold almost nothing or
// contradict themselves; each must give a machine and gaps, not a panic.
func TestOddRootsNeverPanic(t *testing.T) {
	for name, tree := range map[string]testmachine.Tree{
		"only cpuinfo":                {"proc/cpuinfo": "processor : 0\n"},
		"empty cpu directory":         {"sys/devices/system/cpu/": ""},
		"online cpu without topology": {"sys/devices/system/cpu/cpu0/": "", "sys/devices/system/cpu/online": "0\n"},
		"node listing absent cpus": {
			"sys/devices/system/cpu/cpu0/topology/core_id": "0\n",
			"sys/devices/system/node/online":               "0-1\n",
			"sys/devices/system/node/node0/cpulist":        "0-63\n",
			"sys/devices/system/node/node1/distance":       "\x00\n",
		},
		"pci link to nowhere": {
			"sys/devices/system/cpu/cpu0/":     "",
			"sys/bus/pci/devices/0000:00:01.0": "-> ../../../devices/none",
			"proc/interrupts":                  "CPU0\n 5: 1\n",
			"proc/self/mounts":                 "cgroup2\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			m := discoverTree(t, tree)
			if len(m.NUMANodes) == 0 && len(m.CPUs) > 0 {
				t.Errorf("no NUMA node for %d cpus", len(m.CPUs))
			}
			_ = m.Tree()
		})
	}
}

func TestSyntheticTunables(t *testing.T) {
	root := testmachine.Build(t, edgeBox())
	m, err := discover.New(root, nil).WithSysctls("vm.swappiness", "bad/name").Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tu := m.Tunables
	eq(t, "sysctls", tu.Sysctls, map[string]string{"kernel.timer_migration": "1", "kernel.sched_rt_runtime_us": "950000", "vm.stat_interval": "1", "vm.swappiness": "60"})
	eq(t, "thp", tu.THP, "madvise")
	eq(t, "masks", []string{tu.DefaultIRQAffinity.String(), tu.WorkqueueMask.String(), tu.WritebackMask.String()}, []string{"0-3", "0-3", "0-1"})
	eq(t, "has masks", []bool{tu.HasDefaultIRQAffinity, tu.HasWorkqueueMask, tu.HasWritebackMask}, []bool{true, true, true})
}
