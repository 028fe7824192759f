package testmachine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/procfs"

	"github.com/rtnode/rtnode/pkg/discover"
)

// LiveState is what the host-changing tests compare before and after: the
// content of every knob file rtnode may touch, the cpuset hierarchy's
// directories, and each long-lived thread's cpuset and allowed CPUs.
type LiveState map[string]string

// knobGlobs are the live files rtnode may change.
var knobGlobs = []string{
	"/proc/irq/*/smp_affinity_list", "/proc/irq/default_smp_affinity",
	"/proc/sys/kernel/timer_migration", "/proc/sys/kernel/sched_rt_runtime_us",
	"/proc/sys/kernel/numa_balancing", "/proc/sys/kernel/nmi_watchdog", "/proc/sys/vm/stat_interval",
	"/proc/sys/vm/swappiness",
	"/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/devices/virtual/workqueue/cpumask", "/sys/bus/workqueue/devices/writeback/cpumask",
	"/sys/devices/system/node/node*/hugepages/hugepages-*/nr_hugepages",
	"/sys/fs/cgroup/cpuset/cpuset.*", "/sys/fs/cgroup/unified/cgroup.subtree_control",
}

// transient are threads that come and go or restart by themselves
// (workqueue workers, khugepaged when THP changes) and the test's own
// helpers.
var transient = []string{"kworker/", "khugepaged", "rtnode", "tar", "ps", "sleep", "cat", "cyclictest", "stress-ng"}

// CaptureLive reads the live host's state.
func CaptureLive(t testing.TB) LiveState {
	t.Helper()
	s := LiveState{}
	for _, g := range knobGlobs {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if strings.HasSuffix(f, "cpuset.memory_pressure") || strings.HasSuffix(f, "cpuset.effective_cpus") {
				continue
			}
			if b, err := os.ReadFile(f); err == nil {
				s[f] = string(b)
			}
		}
	}
	dirs, _ := filepath.Glob("/sys/fs/cgroup/cpuset/*/")
	s["cpuset children"] = strings.Join(dirs, " ")
	fs, err := procfs.NewFS("/proc")
	if err != nil {
		return s
	}
	pids, _ := discover.PIDs(fs)
	for _, pid := range pids {
		name, allowed, err := discover.ProcessCPUs(fs, pid)
		if err != nil || isTransient(name) {
			continue
		}
		cs, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cpuset", pid))
		s[fmt.Sprintf("task %d %s", pid, name)] = allowed.String() + " " + strings.TrimSpace(string(cs))
	}
	return s
}

// Diff lists what differs between two states, ignoring threads that exist
// in only one of them (they started or ended meanwhile).
func (s LiveState) Diff(after LiveState) []string {
	var out []string
	for k, v := range s {
		w, ok := after[k]
		if !ok && strings.HasPrefix(k, "task ") {
			continue
		}
		if w != v {
			out = append(out, fmt.Sprintf("%s: %q, was %q", k, w, v))
		}
	}
	for k := range after {
		if _, ok := s[k]; !ok && !strings.HasPrefix(k, "task ") {
			out = append(out, k+": appeared")
		}
	}
	sort.Strings(out)
	return out
}

func isTransient(name string) bool {
	for _, p := range transient {
		if name == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(name, p)) || (p == "khugepaged" && name == p) {
			return true
		}
	}
	return false
}
