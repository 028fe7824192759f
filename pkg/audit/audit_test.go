package audit

import (
	"context"
	"strings"
	"testing"

	"github.com/rtnode/rtnode/pkg/discover"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// smtBox: 2 cores × 2 threads (siblings n and n+2), one node, cgroup v1.
func smtBox() *topology.Machine {
	m := testmachine.Layout{Sockets: 1, NodesPerSocket: 1, CoresPerNode: 2, Threads: 2}.Build()
	m.Cgroup = topology.Cgroup{Mode: topology.CgroupV1, CPUSetMount: "/sys/fs/cgroup/cpuset", CPUSetVersion: 1}
	m.Kernel = topology.Kernel{Release: "6.6.0", Preempt: "dynamic", Cmdline: "ro"}
	return m
}

func run(t *testing.T, m *topology.Machine, yaml string) []Finding {
	t.Helper()
	p := profile.Default()
	if yaml != "" {
		var err error
		if p, _, err = profile.Parse([]byte("apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\n" + yaml)); err != nil {
			t.Fatal(err)
		}
	}
	pl, err := plan.Compute(m, p)
	if err != nil {
		t.Fatal(err)
	}
	root := testmachine.Build(t, testmachine.Tree{"proc/cpuinfo": ""})
	return Run(context.Background(), root, m, pl, Options{StealWindow: -1})
}

func checks(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Check)
	}
	return strings.Join(out, " ")
}

func TestAuditFindings(t *testing.T) {
	m := smtBox()
	m.IRQs = []topology.IRQ{
		{Number: 30, Name: "eth0", Affinity: cpuset.New(0, 2), EffectiveAffinity: cpuset.New(0)},
		{Number: 31, Name: "nvme0q1", Affinity: cpuset.New(1), EffectiveAffinity: cpuset.New(1), Counts: map[int]uint64{1: 500}},
		{Number: 32, Name: "timer", Affinity: cpuset.New(0), EffectiveAffinity: cpuset.New(0)},
	}
	m.Tunables = topology.Tunables{Sysctls: map[string]string{"kernel.timer_migration": "1"}}
	fs := run(t, m, "")
	got := checks(fs)
	for _, want := range []string{"isolation", "irq-affinity", "irq-on-isolated", "drift", "kernel", "boot-args"} {
		if !strings.Contains(got, want) {
			t.Errorf("findings %q lack %s", got, want)
		}
	}
	all := ""
	for _, f := range fs {
		all += f.Message + "\n"
	}
	for _, want := range []string{
		"/proc/irq/32/smp_affinity_list is 0, the profile wants 0,2",
		"irq 31 (nvme0q1) is delivered to isolated cpus 1 (500 interrupts there so far",
		"/proc/sys/kernel/timer_migration is 1, the profile wants 0",
		"kernel 6.6.0 is not PREEMPT_RT",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("findings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "irq 30") {
		t.Errorf("irq 30 already targets the reserved core 0,2 and must not be reported:\n%s", all)
	}
	if strings.Count(got, "isolation") != 1 {
		t.Errorf("the cpuset actions give %d isolation findings, want one", strings.Count(got, "isolation"))
	}
	if fs := Sorted(fs); fs[len(fs)-1].Severity != Warning || fs[0].Severity != Error {
		t.Error("Sorted does not put errors first")
	}
}

func TestAuditSharedSiblings(t *testing.T) {
	fs := run(t, smtBox(), "spec: {cpu: {reserved: '0', smtPolicy: allow-split}}")
	var msgs []string
	for _, f := range fs {
		if f.Check == "smt-shared" {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) != 1 || msgs[0] != "isolated cpu 2 shares its core with housekeeping cpus 0" {
		t.Errorf("smt findings = %q", msgs)
	}
}

func TestBannedCPUs(t *testing.T) {
	for env, want := range map[string]string{
		"PATH=/bin\x00IRQBALANCE_BANNED_CPULIST=2-5\x00": "2-5",
		"IRQBALANCE_BANNED_CPUS=0000000c\x00":            "2-3",
		"HOME=/\x00":                                     "",
	} {
		if got := discover.BannedCPUs(strings.Split(env, "\x00")).String(); got != want {
			t.Errorf("BannedCPUs(%q) = %q, want %q", env, got, want)
		}
	}
}

func TestAuditHugePagesShortfall(t *testing.T) {
	m := smtBox()
	m.NUMANodes[0].HugePages = []topology.HugePages{{SizeKiB: 2048, Total: 25, Free: 25}}
	fs := run(t, m, "spec:\n  cpu: {reserved: \"0,2\"}\n  hugepages: {pages: [{size: 2Mi, count: 64, node: 0}]}\n")
	want := "node 0 holds 25 of the 64 2M hugepages the profile wants: short 39 pages (78 MiB)"
	for _, f := range fs {
		if f.Check == "hugepages" {
			if f.Message != want || f.Severity != Error {
				t.Errorf("hugepages finding %s %q, want error %q", f.Severity, f.Message, want)
			}
			return
		}
	}
	t.Errorf("no hugepages finding in %q", checks(fs))
}
