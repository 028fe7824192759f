package discover

import (
	"strings"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// DefaultSysctls are the sysctls discovery always reads: the ones real-time
// tuning changes.
var DefaultSysctls = []string{
	"kernel.timer_migration", "kernel.sched_rt_runtime_us", "kernel.sched_rt_period_us",
	"vm.stat_interval", "kernel.numa_balancing", "kernel.nmi_watchdog",
	"kernel.watchdog", "kernel.watchdog_cpumask",
}

const (
	workqueueMask = "sys/devices/virtual/workqueue/cpumask"
	writebackMask = "sys/bus/workqueue/devices/writeback/cpumask"
	thpEnabled    = "sys/kernel/mm/transparent_hugepage/enabled"
	defaultIRQ    = "proc/irq/default_smp_affinity"
)

// WithSysctls makes discovery read these sysctls too (a profile's
// overrides), and returns the Discoverer.
func (d *Discoverer) WithSysctls(names ...string) *Discoverer {
	d.sysctls = append(d.sysctls, names...)
	return d
}

// readTunables reads the current values of the knobs rtnode tunes.
func (d *Discoverer) readTunables(m *topology.Machine, g *gaps) {
	t := &m.Tunables
	t.Sysctls = map[string]string{}
	for _, name := range append(append([]string{}, DefaultSysctls...), d.sysctls...) {
		if p, ok := profile.SysctlPath(name); ok {
			if v, err := d.root.ReadString(p); err == nil {
				t.Sysctls[name] = strings.Join(strings.Fields(v), " ")
			}
		}
	}
	if s, err := d.root.ReadString(thpEnabled); err == nil {
		t.THP = SelectedMode(s)
	}
	t.DefaultIRQAffinity, t.HasDefaultIRQAffinity = d.maskFile(g, defaultIRQ)
	t.WorkqueueMask, t.HasWorkqueueMask = d.maskFile(g, workqueueMask)
	t.WritebackMask, t.HasWritebackMask = d.maskFile(g, writebackMask)
}

func (d *Discoverer) maskFile(g *gaps, path string) (cpuset.CPUSet, bool) {
	s, err := d.root.ReadString(path)
	if err != nil {
		return cpuset.New(), false
	}
	set, err := topology.ParseCPUMask(s)
	if err != nil {
		g.addf("tunables", "/%s: %v", path, err)
		return cpuset.New(), false
	}
	return set, true
}

// SelectedMode returns the bracketed word of a sysfs choice file
// ("always [madvise] never" → "madvise"), or the whole value when none is
// bracketed.
func SelectedMode(s string) string {
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
			return strings.Trim(f, "[]")
		}
	}
	return strings.TrimSpace(s)
}
