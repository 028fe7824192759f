package discover_test

import (
	"strings"
	"testing"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/topology"
)

func TestParseInterrupts(t *testing.T) {
	in := "           CPU0       CPU2\n" +
		"  0:         44          0   IO-APIC   2-edge      timer\n" +
		" 24:          1     123456  PCI-MSIX-0000:00:03.0   0-edge      virtio0-config\n" +
		"NMI:          0          0   Non-maskable interrupts\n" +
		"ERR:          0\n"
	lines, err := discover.ParseInterrupts(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "count", len(lines), 4)
	eq(t, "irq 24", []any{lines[1].Number(), lines[1].Chip, lines[1].Name, lines[1].Counts[2]},
		[]any{24, "PCI-MSIX-0000:00:03.0", "0-edge virtio0-config", uint64(123456)})
	eq(t, "NMI", []any{lines[2].Number(), lines[2].Chip, lines[2].Name}, []any{-1, "", "Non-maskable interrupts"})
	eq(t, "ERR counts", lines[3].Counts, map[int]uint64{0: 0})
	for _, bad := range []string{"", "CPUx\n", "CPU0\n   no colon here\n"} {
		if _, err := discover.ParseInterrupts(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseInterrupts(%q) accepted bad input", bad)
		}
	}
}

func TestSplitCmdline(t *testing.T) {
	args := topology.SplitCmdline(`ro quiet  isolcpus=nohz,2-3 dyndbg="file a.c +p" console=` + "\n")
	want := []topology.KernelArg{
		{Key: "ro"}, {Key: "quiet"}, {Key: "isolcpus", Value: "nohz,2-3", HasValue: true},
		{Key: "dyndbg", Value: "file a.c +p", HasValue: true}, {Key: "console", HasValue: true},
	}
	eq(t, "args", args, want)
}

func TestParseIsolcpus(t *testing.T) {
	got, err := topology.ParseIsolcpus("managed_irq,domain,2-7,9")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "isolcpus", []string{strings.Join(got.Flags, ","), got.CPUs.String()}, []string{"managed_irq,domain", "2-7,9"})
	if _, err := topology.ParseIsolcpus("domain,x"); err == nil || !strings.Contains(err.Error(), "isolcpus=domain,x") {
		t.Errorf("bad isolcpus error = %v", err)
	}
}

func TestParseMounts(t *testing.T) {
	ms, err := discover.ParseMounts(strings.NewReader("cgroup /sys/fs/cgroup/cpuset cgroup rw,cpuset 0 0\nshort line\nx /mnt/a\\040b ext4 ro 0 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "mounts", len(ms), 2)
	eq(t, "escaped point", ms[1].Point, "/mnt/a b")
	eq(t, "cpuset option", ms[0].HasOption("cpuset"), true)
}

func TestCgroupFromMounts(t *testing.T) {
	none := func(string) ([]string, bool) { return nil, false }
	with := func(string) ([]string, bool) { return []string{"cpu", "cpuset"}, true }
	without := func(string) ([]string, bool) { return []string{"hugetlb"}, true }
	v1 := discover.Mount{FSType: "cgroup", Point: "/sys/fs/cgroup/cpuset", Options: []string{"rw", "cpuset"}}
	v2 := discover.Mount{FSType: "cgroup2", Point: "/sys/fs/cgroup"}
	unified := discover.Mount{FSType: "cgroup2", Point: "/sys/fs/cgroup/unified"}
	for _, tc := range []struct {
		name   string
		mounts []discover.Mount
		ctrl   func(string) ([]string, bool)
		want   topology.Cgroup
	}{
		{"pure v2 with cpuset", []discover.Mount{v2}, with, topology.Cgroup{Mode: "v2", CPUSetMount: "/sys/fs/cgroup", CPUSetVersion: 2, UnifiedMount: "/sys/fs/cgroup"}},
		{"pure v2, controllers unreadable", []discover.Mount{v2}, none, topology.Cgroup{Mode: "v2", CPUSetMount: "/sys/fs/cgroup", CPUSetVersion: 2, UnifiedMount: "/sys/fs/cgroup"}},
		{"hybrid with v1 cpuset", []discover.Mount{v1, unified}, without, topology.Cgroup{Mode: "hybrid", CPUSetMount: "/sys/fs/cgroup/cpuset", CPUSetVersion: 1, UnifiedMount: "/sys/fs/cgroup/unified"}},
		{"hybrid with cpuset moved to unified", []discover.Mount{{FSType: "cgroup", Point: "/sys/fs/cgroup/memory"}, unified}, with, topology.Cgroup{Mode: "hybrid", CPUSetMount: "/sys/fs/cgroup/unified", CPUSetVersion: 2, UnifiedMount: "/sys/fs/cgroup/unified"}},
		{"no cgroups", nil, none, topology.Cgroup{}},
	} {
		eq(t, tc.name, discover.CgroupFromMounts(tc.mounts, tc.ctrl), tc.want)
	}
}

func TestPreemptModel(t *testing.T) {
	for v, want := range map[string]string{
		"Linux version 6.6 #1 SMP PREEMPT_RT Fri":      "rt",
		"Linux version 5.10 #1 SMP PREEMPT RT Fri":     "rt",
		"Linux version 6.18 #1 SMP PREEMPT_DYNAMIC @0": "dynamic",
		"Linux version 6.1 #1 SMP PREEMPT Mon":         "full",
		"Linux version 3.10 #1 SMP Mon":                "",
	} {
		eq(t, v, discover.PreemptModel(v, false), want)
	}
	eq(t, "sys/kernel/realtime", discover.PreemptModel("", true), "rt")
}

func TestAcceleratorKind(t *testing.T) {
	for _, tc := range []struct {
		vendor, device, class string
		want                  topology.AcceleratorKind
	}{
		{"10de", "15f8", "030200", topology.AccelGPU},
		{"10de", "1eb8", "030000", topology.AccelGPU},
		{"1a03", "2000", "030000", ""}, // ASPEED BMC VGA
		{"1af4", "1050", "030000", ""}, // virtio-gpu
		{"1b36", "0005", "120000", topology.AccelProcessing},
		{"8086", "4940", "0b4000", topology.AccelQAT},
		{"8086", "37C9", "0b4000", topology.AccelQAT},
		{"8086", "2710", "0b4000", topology.AccelDLB},
		{"8086", "0b25", "088000", topology.AccelDSA},
		{"1bcf", "001c", "0b4000", topology.AccelCoprocessor},
		{"8086", "1572", "020000", ""},
	} {
		eq(t, tc.vendor+":"+tc.device, discover.AcceleratorKind(tc.vendor, tc.device, tc.class), tc.want)
	}
}
