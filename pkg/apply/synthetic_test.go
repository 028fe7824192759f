package apply_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/apply"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
)

// knobBox is a synthetic 4-CPU host exposing every file knob rtnode tunes,
// cpufreq and cpuidle included (this VM has neither).
func knobBox() testmachine.Tree {
	t := testmachine.Tree{
		"sys/devices/system/cpu/online":                                           "0-3\n",
		"sys/devices/system/node/online":                                          "0\n",
		"sys/devices/system/node/node0/cpulist":                                   "0-3\n",
		"sys/devices/system/node/node0/distance":                                  "10\n",
		"sys/devices/system/node/node0/meminfo":                                   "Node 0 MemTotal: 8388608 kB\nNode 0 MemFree: 4194304 kB\n",
		"sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages":   "0\n",
		"sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages": "0\n",
		"proc/cmdline":                                "ro quiet\n",
		"proc/interrupts":                             "CPU0 CPU1 CPU2 CPU3\n 24: 1 2 3 4 IR-PCI-MSI 1-edge eth0\n 25: 1 0 0 0 IR-PCI-MSI 2-edge eth0-tx\n",
		"proc/irq/24/smp_affinity_list":               "0-3\n",
		"proc/irq/25/smp_affinity_list":               "2\n",
		"proc/irq/default_smp_affinity":               "f\n",
		"proc/sys/kernel/timer_migration":             "1\n",
		"proc/sys/kernel/sched_rt_runtime_us":         "950000\n",
		"proc/sys/vm/stat_interval":                   "1\n",
		"proc/sys/vm/swappiness":                      "60\n",
		"proc/sys/kernel/nmi_watchdog":                "1\n",
		"sys/kernel/mm/transparent_hugepage/enabled":  "always [madvise] never\n",
		"sys/devices/virtual/workqueue/cpumask":       "f\n",
		"sys/bus/workqueue/devices/writeback/cpumask": "f\n",
	}
	for cpu := 0; cpu < 4; cpu++ {
		d := fmt.Sprintf("sys/devices/system/cpu/cpu%d/", cpu)
		t[d+"topology/core_id"] = fmt.Sprint(cpu, "\n")
		t[d+"topology/physical_package_id"] = "0\n"
		t[d+"topology/thread_siblings_list"] = fmt.Sprint(cpu, "\n")
		t[d+"cpufreq/scaling_governor"] = "powersave\n"
		for i, st := range []struct{ name, lat string }{{"POLL", "0"}, {"C1", "2"}, {"C6", "170"}} {
			t[fmt.Sprintf("%scpuidle/state%d/name", d, i)] = st.name + "\n"
			t[fmt.Sprintf("%scpuidle/state%d/latency", d, i)] = st.lat + "\n"
			t[fmt.Sprintf("%scpuidle/state%d/disable", d, i)] = "0\n"
		}
	}
	return t
}

const knobProfile = `apiVersion: rtnode.io/v1alpha1
kind: NodeProfile
metadata: {name: knobs}
spec:
  cpu: {reserved: "0"}
  hugepages: {pages: [{size: 2Mi, count: 64, node: 0}]}
  power: {governor: performance, maxIdleLatencyMicros: 10}
  sysctl: {vm.swappiness: "10"}
`

// readTree returns every file under dir with its content.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[strings.TrimPrefix(p, dir)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func planFor(t *testing.T, root hostfs.Root, yaml string) *plan.Plan {
	t.Helper()
	p, _, err := profile.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	m, err := discover.New(root, nil).WithSysctls("vm.swappiness").Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Compute(m, p)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestApplyRevertSyntheticKnobs(t *testing.T) {
	root := testmachine.Build(t, knobBox())
	state := t.TempDir()
	before := readTree(t, root.Dir())
	a := apply.New(root, apply.Options{StateDir: state})
	rep, err := a.Apply(context.Background(), planFor(t, root, knobProfile))
	if err != nil {
		t.Fatalf("apply: %v (%+v)", err, rep.Failed)
	}
	after := readTree(t, root.Dir())
	for file, want := range map[string]string{
		"/proc/irq/24/smp_affinity_list":                                         "0",
		"/proc/irq/25/smp_affinity_list":                                         "0",
		"/proc/irq/default_smp_affinity":                                         "00000001",
		"/proc/sys/kernel/timer_migration":                                       "0",
		"/proc/sys/kernel/sched_rt_runtime_us":                                   "-1",
		"/proc/sys/kernel/nmi_watchdog":                                          "0",
		"/proc/sys/vm/stat_interval":                                             "10",
		"/proc/sys/vm/swappiness":                                                "10",
		"/sys/kernel/mm/transparent_hugepage/enabled":                            "never",
		"/sys/devices/virtual/workqueue/cpumask":                                 "00000001",
		"/sys/bus/workqueue/devices/writeback/cpumask":                           "00000001",
		"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages": "64",
		"/sys/devices/system/cpu/cpu3/cpufreq/scaling_governor":                  "performance",
		"/sys/devices/system/cpu/cpu3/cpuidle/state2/disable":                    "1",
		"/sys/devices/system/cpu/cpu3/cpuidle/state1/disable":                    "0\n",
		"/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor":                  "powersave\n",
	} {
		if after[file] != want {
			t.Errorf("%s = %q, want %q", file, after[file], want)
		}
	}
	again, err := apply.New(root, apply.Options{StateDir: state}).Apply(context.Background(), planFor(t, root, knobProfile))
	if err != nil || len(again.Changed) != 0 {
		t.Errorf("second apply changed %d values (err %v): %+v", len(again.Changed), err, again.Changed)
	}
	if _, err := apply.New(root, apply.Options{StateDir: state}).Revert(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertSameTree(t, before, readTree(t, root.Dir()))
	if _, err := os.Stat(filepath.Join(state, apply.JournalFile)); err == nil {
		t.Error("journal left after a complete revert")
	}
}

// TestChangedProfileChangesOnlyTheDifference: the second profile drops
// the swappiness override and the idle-state limit; apply gives those
// their original values back and keeps the pre-rtnode originals of the
// rest for revert.
func TestChangedProfileChangesOnlyTheDifference(t *testing.T) {
	root := testmachine.Build(t, knobBox())
	state := t.TempDir()
	before := readTree(t, root.Dir())
	if _, err := apply.New(root, apply.Options{StateDir: state}).Apply(context.Background(), planFor(t, root, knobProfile)); err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(knobProfile, "  sysctl: {vm.swappiness: \"10\"}\n", "", 1)
	second = strings.Replace(second, ", maxIdleLatencyMicros: 10", "", 1)
	rep, err := apply.New(root, apply.Options{StateDir: state}).Apply(context.Background(), planFor(t, root, second))
	if err != nil {
		t.Fatal(err)
	}
	after := readTree(t, root.Dir())
	if after["/proc/sys/vm/swappiness"] != "60\n" || after["/sys/devices/system/cpu/cpu3/cpuidle/state2/disable"] != "0\n" {
		t.Errorf("dropped settings not restored: swappiness %q state2 %q", after["/proc/sys/vm/swappiness"], after["/sys/devices/system/cpu/cpu3/cpuidle/state2/disable"])
	}
	if after["/proc/sys/kernel/timer_migration"] != "0" {
		t.Errorf("kept setting changed: %q", after["/proc/sys/kernel/timer_migration"])
	}
	for _, c := range rep.Changed {
		if c.Kind != "restore" {
			t.Errorf("second apply changed %s, which both profiles set alike", c.Target)
		}
	}
	if _, err := apply.New(root, apply.Options{StateDir: state}).Revert(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertSameTree(t, before, readTree(t, root.Dir()))
}

func TestDryRunWritesNothing(t *testing.T) {
	root := testmachine.Build(t, knobBox())
	state := filepath.Join(t.TempDir(), "state")
	before := readTree(t, root.Dir())
	rep, err := apply.New(root, apply.Options{StateDir: state, DryRun: true}).Apply(context.Background(), planFor(t, root, knobProfile))
	if err != nil || len(rep.Changed) == 0 {
		t.Fatalf("dry run: %v, %d changes", err, len(rep.Changed))
	}
	if diff := cmp.Diff(before, readTree(t, root.Dir())); diff != "" {
		t.Errorf("a dry run changed the tree:\n%s", diff)
	}
	if _, err := os.Stat(state); err == nil {
		t.Error("a dry run created the state directory")
	}
}

// assertSameTree compares two trees byte for byte, except the THP choice
// file, which the kernel renders ("always [madvise] never") and a regular
// file cannot: the live tests check it on the real kernel.
func assertSameTree(t *testing.T, before, after map[string]string) {
	t.Helper()
	const thp = "/sys/kernel/mm/transparent_hugepage/enabled"
	if after[thp] != "madvise" {
		t.Errorf("%s: %q, want madvise restored", thp, after[thp])
	}
	after[thp] = before[thp]
	for f, v := range before {
		if after[f] != v {
			t.Errorf("%s: %q, was %q", f, after[f], v)
		}
	}
	for f := range after {
		if _, ok := before[f]; !ok {
			t.Errorf("%s left behind", f)
		}
	}
}
