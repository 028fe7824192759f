package plan_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// edgeVM is the 2-CPU VM with the state the live one has: IRQs on both
// CPUs, default tunables, cgroup v1 (hybrid), a plain command line.
func edgeVM() *topology.Machine {
	m := vm2()
	m.PCIDevices = []topology.PCIDevice{{Address: "0000:00:03.0", NetDevs: []string{"eth0"}, NUMANode: 0, VFIndex: topology.Unknown}}
	m.IRQs = []topology.IRQ{
		{Number: 24, Name: "timer", Affinity: cpuset.New(0, 1)},
		{Number: 40, Name: "virtio3-config", Device: "0000:00:03.0", Affinity: cpuset.New(0, 1)},
		{Number: 41, Name: "virtio3-rx", Device: "0000:00:03.0", Affinity: cpuset.New(1)},
		{Number: 50, Name: "already home", Affinity: cpuset.New(0)},
	}
	m.Kernel = topology.Kernel{Release: "6.18.44", Cmdline: "root=/dev/vda ro nohz_full=1 isolcpus=1 skew_tick=1"}
	m.Cgroup = topology.Cgroup{Mode: topology.CgroupHybrid, CPUSetMount: "/sys/fs/cgroup/cpuset", CPUSetVersion: 1, UnifiedMount: "/sys/fs/cgroup/unified"}
	m.Tunables = topology.Tunables{
		Sysctls: map[string]string{"kernel.timer_migration": "1", "kernel.sched_rt_runtime_us": "950000", "vm.stat_interval": "1",
			"kernel.numa_balancing": "0", "kernel.nmi_watchdog": "0", "vm.swappiness": "60"},
		THP:                "madvise",
		DefaultIRQAffinity: cpuset.New(0, 1), HasDefaultIRQAffinity: true,
		WorkqueueMask: cpuset.New(0, 1), HasWorkqueueMask: true,
	}
	return m
}

func mustParse(t *testing.T, yaml string) *profile.NodeProfile {
	t.Helper()
	p, _, err := profile.Parse([]byte("apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nmetadata: {name: test}\n" + yaml))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func targets(pl *plan.Plan, kind plan.ActionKind) []string {
	var out []string
	for _, a := range pl.Actions {
		if a.Kind == kind {
			out = append(out, a.Target+" "+a.From+"->"+a.To)
		}
	}
	return out
}

func TestComputeDefaultOnTheVM(t *testing.T) {
	pl, err := plan.Compute(edgeVM(), profile.Default())
	if err != nil {
		t.Fatal(err)
	}
	if pl.Reserved.String() != "0" || pl.Isolated.String() != "1" || pl.IRQTarget.String() != "0" {
		t.Fatalf("reserved %s isolated %s irqs %s", pl.Reserved, pl.Isolated, pl.IRQTarget)
	}
	want := map[plan.ActionKind][]string{
		plan.KindCPUSet: {"/sys/fs/cgroup/cpuset/rtnode-housekeeping/cpuset.cpus ->0", "/sys/fs/cgroup/cpuset/rtnode-isolated/cpuset.cpus ->1",
			"/sys/fs/cgroup/cpuset/rtnode-isolated/cpuset.sched_load_balance ->0", "/sys/fs/cgroup/cpuset/cpuset.sched_load_balance ->0"},
		plan.KindDefaultIRQ: {"/proc/irq/default_smp_affinity 0-1->0"},
		plan.KindIRQ:        {"/proc/irq/24/smp_affinity_list 0-1->0", "/proc/irq/40/smp_affinity_list 0-1->0", "/proc/irq/41/smp_affinity_list 1->0"},
		plan.KindWorkqueue:  {"/sys/devices/virtual/workqueue/cpumask 0-1->0"},
		plan.KindSysctl:     {"/proc/sys/kernel/sched_rt_runtime_us 950000->-1", "/proc/sys/kernel/timer_migration 1->0", "/proc/sys/vm/stat_interval 1->10"},
		plan.KindTHP:        {"/sys/kernel/mm/transparent_hugepage/enabled madvise->never"},
	}
	for kind, w := range want {
		if diff := cmp.Diff(w, targets(pl, kind)); diff != "" {
			t.Errorf("%s actions (-want +got):\n%s", kind, diff)
		}
	}
	if len(targets(pl, plan.KindTasks)) != 1 || len(targets(pl, plan.KindKthreads)) != 1 {
		t.Error("no task or kthread move")
	}
	var missing []string
	for _, a := range pl.BootArgs.Missing {
		missing = append(missing, a.Arg+"|"+a.Current)
	}
	wantMissing := []string{"isolcpus=managed_irq,domain,1|isolcpus=1", "rcu_nocbs=1|", "irqaffinity=0|", "kthread_cpus=0|", "nosoftlockup|"}
	if diff := cmp.Diff(wantMissing, missing); diff != "" {
		t.Errorf("missing boot args (nohz_full=1 and skew_tick=1 are present) (-want +got):\n%s", diff)
	}
}

func TestComputeIsIdempotentOnATunedHost(t *testing.T) {
	m := edgeVM()
	m.IRQs = []topology.IRQ{{Number: 24, Affinity: cpuset.New(0)}}
	m.Tunables = topology.Tunables{Sysctls: map[string]string{"kernel.timer_migration": "0", "kernel.sched_rt_runtime_us": "-1", "vm.stat_interval": "10"},
		THP: "never", DefaultIRQAffinity: cpuset.New(0), HasDefaultIRQAffinity: true, WorkqueueMask: cpuset.New(0), HasWorkqueueMask: true}
	m.Kernel.Cmdline = "isolcpus=domain,managed_irq,1 nohz_full=1 rcu_nocbs=1 irqaffinity=0 kthread_cpus=0 skew_tick=1 nosoftlockup"
	pl, err := plan.Compute(m, profile.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []plan.ActionKind{plan.KindIRQ, plan.KindDefaultIRQ, plan.KindWorkqueue, plan.KindSysctl, plan.KindTHP} {
		if got := targets(pl, kind); len(got) > 0 {
			t.Errorf("%s actions on a tuned host: %v", kind, got)
		}
	}
	if len(pl.BootArgs.Missing) != 0 {
		t.Errorf("missing boot args on a tuned kernel: %+v", pl.BootArgs.Missing)
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), "kernel.numa_balancing is not exposed") {
		t.Errorf("notes do not say numa_balancing is missing: %v", pl.Notes)
	}
}

func TestComputeProfileKnobs(t *testing.T) {
	m := edgeVM()
	m.CPUs[1].Governor = "powersave"
	m.CPUs[1].IdleStates = []topology.IdleState{{Index: 0, Name: "POLL"}, {Index: 1, Name: "C1", LatencyMicros: 2}, {Index: 2, Name: "C6", LatencyMicros: 133}, {Index: 3, Name: "C10", LatencyMicros: 300, Disabled: true}}
	pl, err := plan.Compute(m, mustParse(t, `
spec:
  irq: {exclude: {irqs: [24], devices: [eth0, eno9]}}
  rt: {throttling: true}
  power: {governor: performance, maxIdleLatencyMicros: 2}
  sysctl: {vm.swappiness: "10", kernel.sched_rt_runtime_us: "900000"}
  transparentHugepages: madvise
  extraBootArgs: [tsc=reliable]
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := targets(pl, plan.KindIRQ); len(got) != 0 {
		t.Errorf("excluded irqs moved: %v", got)
	}
	if diff := cmp.Diff([]string{"/proc/sys/kernel/sched_rt_runtime_us 950000->900000", "/proc/sys/kernel/timer_migration 1->0",
		"/proc/sys/vm/stat_interval 1->10", "/proc/sys/vm/swappiness 60->10"}, targets(pl, plan.KindSysctl)); diff != "" {
		t.Errorf("sysctls (-want +got):\n%s", diff)
	}
	if got := targets(pl, plan.KindTHP); len(got) != 0 {
		t.Errorf("thp changed although madvise is asked: %v", got)
	}
	if diff := cmp.Diff([]string{"/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor powersave->performance"}, targets(pl, plan.KindGovernor)); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"/sys/devices/system/cpu/cpu1/cpuidle/state2/disable 0->1"}, targets(pl, plan.KindIdleState)); diff != "" {
		t.Error(diff)
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), `no pci device or netdev "eno9"`) {
		t.Errorf("absent excluded device not noted: %v", pl.Notes)
	}
	if last := pl.BootArgs.Recommended[len(pl.BootArgs.Recommended)-1]; last != "tsc=reliable" {
		t.Errorf("extra boot arg missing: %v", pl.BootArgs.Recommended)
	}
}

func TestComputeHugePages(t *testing.T) {
	m := dualEPYC()
	m.NUMANodes[2].MemFree = 1 << 30
	m.NUMANodes[1].HugePages[0].Total = 100
	pl, err := plan.Compute(m, mustParse(t, `
spec:
  hugepages:
    defaultSize: 1Gi
    pages:
    - {size: 2Mi, count: 800, node: 2}
    - {size: 2Mi, count: 16}
    - {size: 1Gi, count: 4, node: 0}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range pl.HugePages {
		got = append(got, strings.Join([]string{itoa(h.Node), itoa64(h.SizeKiB), itoa64(h.From), itoa64(h.To), boolStr(h.Feasible)}, " "))
	}
	want := []string{"0 2048 0 2 ok", "0 1048576 0 4 ok", "1 2048 100 2 ok", "2 2048 0 802 NO", "3 2048 0 2 ok", "4 2048 0 2 ok", "5 2048 0 2 ok", "6 2048 0 2 ok", "7 2048 0 2 ok"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hugepages node size from to feasible (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), "node 2 cannot hold 802 more 2M pages now (needs 1604 MiB, 1024 MiB free)") {
		t.Errorf("infeasible node not noted: %v", pl.Notes)
	}
	rec := strings.Join(pl.BootArgs.Recommended, " ")
	if !strings.Contains(rec, "default_hugepagesz=1G hugepagesz=1G hugepages=4") {
		t.Errorf("1G boot advice missing: %s", rec)
	}
	if n := len(targets(pl, plan.KindHugePages)); n != 9 {
		t.Errorf("%d hugepage actions, want 9", n)
	}
}

func TestComputeCgroupV2AndOldKernel(t *testing.T) {
	m := edgeVM()
	m.Cgroup = topology.Cgroup{Mode: topology.CgroupV2, CPUSetMount: "/sys/fs/cgroup", CPUSetVersion: 2, UnifiedMount: "/sys/fs/cgroup"}
	m.Kernel.Release = "6.1.0-13-amd64"
	pl, err := plan.Compute(m, profile.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/sys/fs/cgroup/rtnode-isolated/cpuset.cpus ->1", "/sys/fs/cgroup/rtnode-isolated/cpuset.cpus.exclusive ->1", "/sys/fs/cgroup/rtnode-isolated/cpuset.cpus.partition ->isolated"}
	if diff := cmp.Diff(want, targets(pl, plan.KindCPUSet)); diff != "" {
		t.Errorf("v2 cpuset actions (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(pl.Notes, "\n"), "needs Linux 6.7 or later") {
		t.Errorf("old kernel not noted: %v", pl.Notes)
	}
	m.Cgroup = topology.Cgroup{}
	pl, _ = plan.Compute(m, profile.Default())
	if len(targets(pl, plan.KindCPUSet)) != 0 || !strings.Contains(strings.Join(pl.Notes, "\n"), "no cpuset controller") {
		t.Errorf("no-cpuset machine: %v %v", targets(pl, plan.KindCPUSet), pl.Notes)
	}
}

func TestComputeErrors(t *testing.T) {
	for _, tc := range []struct{ name, spec, want string }{
		{"irq target outside reserved", "spec: {irq: {target: '1'}}", "spec.irq.target: cpus 1 are not reserved (reserved: 0)"},
		{"unsupported hugepage size", "spec: {hugepages: {pages: [{size: 1Gi, count: 1}]}}", "spec.hugepages.pages[0].size: 1Gi is not supported by this machine (supported: 2M)"},
		{"unsupported default size", "spec: {hugepages: {defaultSize: 1Gi}}", "spec.hugepages.defaultSize: 1Gi is not supported"},
		{"a node that does not exist", "spec: {hugepages: {pages: [{size: 2Mi, count: 1, node: 3}]}}", "spec.hugepages.pages[0].node: node 3 does not exist (nodes: 0)"},
		{"a cpu that does not exist", "spec: {cpu: {reserved: '0,7'}}", "spec.cpu.reserved: cpu 7 does not exist (online: 0-1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Compute(edgeVM(), mustParse(t, tc.spec))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestPlanJSONAndText(t *testing.T) {
	pl, err := plan.Compute(edgeVM(), profile.Default())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(pl)
	var v struct {
		Reserved string `json:"reserved"`
		Isolated string `json:"isolated"`
		Actions  []struct {
			Kind, Target, From, To string
		} `json:"actions"`
		HugePages []any `json:"hugepages"`
		BootArgs  struct {
			Recommended []string               `json:"recommended"`
			Missing     []struct{ Arg string } `json:"missing"`
		} `json:"bootArgs"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Reserved != "0" || v.Isolated != "1" || len(v.Actions) != len(pl.Actions) || v.HugePages == nil || len(v.BootArgs.Missing) != 5 {
		t.Errorf("json: %s", b)
	}
	text := pl.Text()
	for _, want := range []string{"reserved (housekeeping) 0, isolated 1", "irq-affinity", "/proc/irq/41/smp_affinity_list: 1 -> 0", "missing: rcu_nocbs=1", "differs: isolcpus=managed_irq,domain,1 (booted with isolcpus=1)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
func boolStr(b bool) string {
	if b {
		return "ok"
	}
	return "NO"
}
