package plan

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Names of the cgroups rtnode creates below the cpuset mount.
const (
	HousekeepingCgroup = "rtnode-housekeeping"
	IsolatedCgroup     = "rtnode-isolated"
)

// cpusetActions isolates the CPUs at runtime: with cgroup v1 a
// housekeeping cpuset that every movable task moves into and an isolated
// one without load balancing; with v2 an isolated partition.
func (pl *Plan) cpusetActions(m *topology.Machine) {
	cg := m.Cgroup
	iso, res := pl.Isolated.String(), pl.Reserved.String()
	set := func(file, to, reason string) {
		target := path.Join(cg.CPUSetMount, file)
		from, ok := cg.Files[target]
		same := ok && (from == to || sameCPUList(from, to) && strings.HasSuffix(file, "cpus"))
		pl.knob(true, same, Action{KindCPUSet, target, from, to, reason})
	}
	switch cg.CPUSetVersion {
	case 1:
		set(HousekeepingCgroup+"/cpuset.cpus", res, "housekeeping cpuset: tasks moved here and their children stay off isolated cpus")
		set(IsolatedCgroup+"/cpuset.cpus", iso, "isolated cpuset for real-time workloads")
		set(IsolatedCgroup+"/cpuset.sched_load_balance", "0", "no scheduler load balancing on isolated cpus")
		set("cpuset.sched_load_balance", "0", "the root cpuset must not balance across isolated cpus")
		pl.add(Action{KindTasks, path.Join(cg.CPUSetMount, HousekeepingCgroup, "tasks"), "", "movable tasks", "move every movable task and thread of the root cpuset to housekeeping cpus " + res})
	case 2:
		set(IsolatedCgroup+"/cpuset.cpus", iso, "isolated partition cpus")
		set(IsolatedCgroup+"/cpuset.cpus.exclusive", iso, "cpus exclusive to the partition")
		set(IsolatedCgroup+"/cpuset.cpus.partition", "isolated", "isolated partition: no load balancing, other tasks leave these cpus")
		if major, minor := kernelVersion(m.Kernel.Release); major < 6 || (major == 6 && minor < 7) {
			pl.note(fmt.Sprintf("kernel %s: cpuset.cpus.exclusive needs Linux 6.7 or later; runtime isolation will fail, rely on the boot arguments", m.Kernel.Release))
		}
	default:
		pl.note("no cpuset controller is mounted: cpus cannot be isolated at runtime; rely on the boot arguments")
	}
	pl.add(Action{KindKthreads, "unbound kernel threads", "", res, "move kernel threads that may move to housekeeping cpus (pinned ones are listed by apply)"})
}

// irqActions steers movable IRQs to the IRQ target.
func (pl *Plan) irqActions(m *topology.Machine, p *profile.NodeProfile) {
	to := pl.IRQTarget
	t := &m.Tunables
	pl.knob(t.HasDefaultIRQAffinity, t.DefaultIRQAffinity.Equals(to),
		Action{KindDefaultIRQ, "/proc/irq/default_smp_affinity", t.DefaultIRQAffinity.String(), to.String(), "irqs created later start on housekeeping cpus"})
	skip, notes := excludedIRQs(m, &p.Spec.IRQ)
	pl.Notes = append(pl.Notes, notes...)
	for _, q := range m.IRQs {
		pl.knob(!skip[q.Number] && !q.Affinity.IsEmpty(), q.Affinity.Equals(to),
			Action{KindIRQ, fmt.Sprintf("/proc/irq/%d/smp_affinity_list", q.Number), q.Affinity.String(), to.String(),
				fmt.Sprintf("irq %d (%s) off the isolated cpus", q.Number, q.Name)})
	}
}

// excludedIRQs resolves spec.irq.exclude to IRQ numbers; devices that are
// not on this machine are noted, not errors, so fleets can share profiles.
func excludedIRQs(m *topology.Machine, irq *profile.IRQSpec) (map[int]bool, []string) {
	skip := map[int]bool{}
	for _, n := range irq.Exclude.IRQs {
		skip[n] = true
	}
	var notes []string
	for _, dev := range irq.Exclude.Devices {
		addr := deviceAddress(m, dev)
		if addr == "" {
			notes = append(notes, fmt.Sprintf("spec.irq.exclude.devices: no pci device or netdev %q on this machine", dev))
			continue
		}
		for _, q := range m.IRQs {
			if q.Device == addr {
				skip[q.Number] = true
			}
		}
	}
	return skip, notes
}

// deviceAddress finds a PCI device by address or netdev name.
func deviceAddress(m *topology.Machine, name string) string {
	for _, d := range m.PCIDevices {
		if d.Address == name {
			return d.Address
		}
		for _, n := range d.NetDevs {
			if n == name {
				return d.Address
			}
		}
	}
	return ""
}

// workqueueActions keeps unbound and writeback workqueues on housekeeping.
func (pl *Plan) workqueueActions(m *topology.Machine) {
	t := &m.Tunables
	for _, w := range []struct {
		has  bool
		cur  cpuset.CPUSet
		path string
	}{
		{t.HasWorkqueueMask, t.WorkqueueMask, "/sys/devices/virtual/workqueue/cpumask"},
		{t.HasWritebackMask, t.WritebackMask, "/sys/bus/workqueue/devices/writeback/cpumask"},
	} {
		pl.knob(w.has, w.cur.Equals(pl.Reserved),
			Action{KindWorkqueue, w.path, w.cur.String(), pl.Reserved.String(), "unbound kernel work runs on housekeeping cpus"})
	}
}

// rtSysctls are the sysctls every real-time profile sets, with why.
var rtSysctls = []struct{ name, value, reason string }{
	{"kernel.timer_migration", "0", "timers stay on the cpu that armed them"},
	{"vm.stat_interval", "10", "vmstat work wakes isolated cpus every 10 s, not every second"},
	{"kernel.numa_balancing", "0", "no page migration scans on isolated cpus"},
	{"kernel.nmi_watchdog", "0", "no watchdog NMIs on isolated cpus"},
}

// sysctlActions sets the real-time sysctls and the profile's overrides.
func (pl *Plan) sysctlActions(m *topology.Machine, p *profile.NodeProfile) {
	want := map[string]string{}
	reasons := map[string]string{}
	for _, s := range rtSysctls {
		want[s.name], reasons[s.name] = s.value, s.reason
	}
	if *p.Spec.RT.Throttling {
		if m.Tunables.Sysctls["kernel.sched_rt_runtime_us"] == "-1" {
			want["kernel.sched_rt_runtime_us"], reasons["kernel.sched_rt_runtime_us"] = "950000", "RT throttling on, as the profile asks"
		}
	} else {
		want["kernel.sched_rt_runtime_us"], reasons["kernel.sched_rt_runtime_us"] = "-1", "no RT throttling: real-time tasks are not stopped for 50 ms every second"
	}
	for k, v := range p.Spec.Sysctl {
		want[k], reasons[k] = v, "profile override"
	}
	names := make([]string, 0, len(want))
	for k := range want {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		cur, ok := m.Tunables.Sysctls[name]
		target, _ := profile.SysctlPath(name)
		if !ok {
			pl.note(fmt.Sprintf("sysctl %s is not exposed by this kernel; not set", name))
		}
		pl.knob(ok, cur == want[name], Action{KindSysctl, target, cur, want[name], reasons[name]})
	}
}

// thpAction sets the transparent hugepage mode.
func (pl *Plan) thpAction(m *topology.Machine, p *profile.NodeProfile) {
	cur, want := m.Tunables.THP, p.Spec.TransparentHugepages
	pl.knob(cur != "", cur == want, Action{KindTHP, "/sys/kernel/mm/transparent_hugepage/enabled", cur, want, "no khugepaged compaction stalls"})
}

// powerActions sets the governor and idle states of isolated CPUs.
func (pl *Plan) powerActions(m *topology.Machine, p *profile.NodeProfile) {
	pw := p.Spec.Power
	if pw == nil {
		return
	}
	noFreq := false
	for _, id := range pl.Isolated.List() {
		c := m.CPU(id)
		if pw.Governor != "" {
			noFreq = noFreq || c.Governor == ""
			pl.knob(c.Governor != "", c.Governor == pw.Governor,
				Action{KindGovernor, fmt.Sprintf("/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", id), c.Governor, pw.Governor, "steady frequency on isolated cpus"})
		}
		if limit := pw.MaxIdleLatencyMicros; limit != nil {
			for _, st := range c.IdleStates {
				pl.knob(st.LatencyMicros > *limit, st.Disabled,
					Action{KindIdleState, fmt.Sprintf("/sys/devices/system/cpu/cpu%d/cpuidle/state%d/disable", id, st.Index), "0", "1",
						fmt.Sprintf("idle state %s exits in %d µs, more than %d", st.Name, st.LatencyMicros, *limit)})
			}
		}
	}
	if noFreq {
		pl.note("spec.power.governor: this machine exposes no cpufreq on the isolated cpus; not set")
	}
}

// kernelVersion parses "6.7.0-rt" into 6, 7; 0, 0 when it cannot.
func kernelVersion(release string) (int, int) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return 0, 0
	}
	major, err1 := strconv.Atoi(parts[0])
	digits := strings.IndexFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	if digits < 0 {
		digits = len(parts[1])
	}
	minor, err2 := strconv.Atoi(parts[1][:digits])
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return major, minor
}
