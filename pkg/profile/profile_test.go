package profile_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtnode/rtnode/pkg/profile"
)

func TestDefaultProfile(t *testing.T) {
	p := profile.Default()
	c := p.Spec.CPU
	if p.Metadata.Name != "default" || c.Reserved != "" || c.ReservedCount != nil || c.SMTPolicy != profile.SMTFullCores ||
		c.ReservedPlacement != profile.PlacementSpread || p.Spec.IRQ.Target != "housekeeping" ||
		p.Spec.RT.MaxPriority != 80 || *p.Spec.RT.Throttling || p.Spec.TransparentHugepages != "never" {
		t.Errorf("default profile = %+v", p)
	}
}

func TestParseFullProfile(t *testing.T) {
	p, notes, err := profile.Parse([]byte(`
apiVersion: rtnode.io/v1alpha1
kind: NodeProfile
metadata: {name: ran-du}
spec:
  cpu: {reserved: "0-1,24-25", isolated: "2-23,26-47", smtPolicy: full-cores}
  hugepages:
    defaultSize: 1Gi
    pages:
    - {size: 1Gi, count: 4, node: 0}
    - {size: 2Mi, count: 1024}
  irq: {target: "0-1", exclude: {irqs: [0, 9], devices: ["0000:3b:00.0", eno1]}}
  rt: {maxPriority: 95, throttling: true}
  power: {governor: performance, maxIdleLatencyMicros: 10}
  transparentHugepages: madvise
  sysctl: {vm.swappiness: "10"}
  extraBootArgs: [tsc=reliable]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes for a NodeProfile: %v", notes)
	}
	node0 := 0
	ten := 10
	on := true
	want := profile.Spec{
		CPU:                  profile.CPUSpec{Reserved: "0-1,24-25", Isolated: "2-23,26-47", SMTPolicy: "full-cores", ReservedPlacement: "spread"},
		HugePages:            &profile.HugePagesSpec{DefaultSize: "1Gi", Pages: []profile.HugePageRequest{{Size: "1Gi", Count: 4, Node: &node0}, {Size: "2Mi", Count: 1024}}},
		IRQ:                  profile.IRQSpec{Target: "0-1", Exclude: profile.IRQExclude{IRQs: []int{0, 9}, Devices: []string{"0000:3b:00.0", "eno1"}}},
		RT:                   profile.RTSpec{MaxPriority: 95, Throttling: &on},
		Power:                &profile.PowerSpec{Governor: "performance", MaxIdleLatencyMicros: &ten},
		TransparentHugepages: "madvise",
		Sysctl:               map[string]string{"vm.swappiness": "10"},
		ExtraBootArgs:        []string{"tsc=reliable"},
	}
	if diff := cmp.Diff(want, p.Spec); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
}

// TestBadProfiles: every invalid profile fails with one line naming the
// field and the fact.
func TestBadProfiles(t *testing.T) {
	const head = "apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"empty document", "", "profile is empty"},
		{"bad YAML", "apiVersion: [", "profile is not valid YAML"},
		{"a list, not a mapping", "- a\n- b\n", "must be a YAML mapping"},
		{"wrong apiVersion", "apiVersion: v1\nkind: NodeProfile\n", `apiVersion: want rtnode.io/v1alpha1, got "v1"`},
		{"wrong kind", "apiVersion: rtnode.io/v1alpha1\nkind: Pod\n", `kind: want NodeProfile`},
		{"unknown top-level field", head + "specs: {}\n", "specs: unknown field (known: apiVersion, kind, metadata, spec)"},
		{"unknown cpu field", head + "spec: {cpu: {reserve: '0'}}\n", "spec.cpu.reserve: unknown field (known: housekeepingPrefers, isolated, reserved, reservedCount, reservedPlacement, smtPolicy)"},
		{"unknown hugepage field", head + "spec: {hugepages: {pages: [{size: 2Mi, cnt: 1}]}}\n", "spec.hugepages.pages[0].cnt: unknown field"},
		{"reservedCount is a string", head + "spec: {cpu: {reservedCount: two}}\n", "spec.cpu.reservedCount: want an integer, got string"},
		{"reserved is a number list", head + "spec: {cpu: {reserved: [0, 1]}}\n", "spec.cpu.reserved: want a string, got array"},
		{"reserved and reservedCount", head + "spec: {cpu: {reserved: '0', reservedCount: 2}}\n", "spec.cpu: set reserved or reservedCount, not both"},
		{"reservedCount zero", head + "spec: {cpu: {reservedCount: 0}}\n", "spec.cpu.reservedCount: must be at least 1, got 0"},
		{"reserved not a cpulist", head + "spec: {cpu: {reserved: '0-a'}}\n", `spec.cpu.reserved: invalid cpulist "0-a"`},
		{"isolated backwards range", head + "spec: {cpu: {isolated: '7-2'}}\n", `spec.cpu.isolated: invalid cpulist "7-2"`},
		{"absurd cpu id", head + "spec: {cpu: {reserved: '0-999999999'}}\n", "spec.cpu.reserved: invalid cpulist"},
		{"unknown smt policy", head + "spec: {cpu: {smtPolicy: half-cores}}\n", `spec.cpu.smtPolicy: want one of full-cores, allow-split, got "half-cores"`},
		{"unknown placement", head + "spec: {cpu: {reservedPlacement: scattered}}\n", `spec.cpu.reservedPlacement: want one of spread, packed`},
		{"unknown preference", head + "spec: {cpu: {housekeepingPrefers: fast-cores}}\n", `spec.cpu.housekeepingPrefers: want one of efficiency-cores`},
		{"bad hugepage size", head + "spec: {hugepages: {pages: [{size: 3Xi, count: 1}]}}\n", `spec.hugepages.pages[0].size: "3Xi" is not a hugepage size`},
		{"negative hugepage count", head + "spec: {hugepages: {pages: [{size: 2Mi, count: -4}]}}\n", "spec.hugepages.pages[0].count: must not be negative, got -4"},
		{"negative node", head + "spec: {hugepages: {pages: [{size: 2Mi, count: 4, node: -1}]}}\n", "spec.hugepages.pages[0].node: must not be negative, got -1"},
		{"bad default size", head + "spec: {hugepages: {defaultSize: huge}}\n", `spec.hugepages.defaultSize: "huge" is not a hugepage size`},
		{"irq target nonsense", head + "spec: {irq: {target: everywhere}}\n", `spec.irq.target: want "housekeeping" or a cpulist`},
		{"negative irq excluded", head + "spec: {irq: {exclude: {irqs: [-3]}}}\n", "spec.irq.exclude.irqs[0]: irq numbers are not negative, got -3"},
		{"device with a slash", head + "spec: {irq: {exclude: {devices: ['../eth0']}}}\n", "spec.irq.exclude.devices[0]: want a PCI address or a netdev name"},
		{"priority too high", head + "spec: {rt: {maxPriority: 100}}\n", "spec.rt.maxPriority: must be 1-99, got 100"},
		{"priority negative", head + "spec: {rt: {maxPriority: -5}}\n", "spec.rt.maxPriority: must be 1-99, got -5"},
		{"throttling not a bool", head + "spec: {rt: {throttling: maybe}}\n", "spec.rt.throttling: want true or false, got string"},
		{"bad governor", head + "spec: {power: {governor: 'perf ormance'}}\n", `spec.power.governor: "perf ormance" is not a cpufreq governor name`},
		{"negative idle latency", head + "spec: {power: {maxIdleLatencyMicros: -1}}\n", "spec.power.maxIdleLatencyMicros: must not be negative"},
		{"bad THP mode", head + "spec: {transparentHugepages: sometimes}\n", `spec.transparentHugepages: want one of never, madvise, always, got "sometimes"`},
		{"sysctl escaping /proc/sys", head + "spec: {sysctl: {'../../etc/passwd': x}}\n", "spec.sysctl.../../etc/passwd: not a sysctl name"},
		{"sysctl empty value", head + "spec: {sysctl: {kernel.foo: ''}}\n", `spec.sysctl.kernel.foo: value "" must be one non-empty line`},
		{"boot arg with a space", head + "spec: {extraBootArgs: ['a b']}\n", `spec.extraBootArgs[0]: "a b" is not one kernel argument`},
		{"performance profile with a bad cpu type", "apiVersion: performance.openshift.io/v2\nkind: PerformanceProfile\nspec: {cpu: {reserved: 5}}\n", "spec.cpu.reserved: want a string, got number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := profile.Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.yaml)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error = %q, want one line containing %q", err, tc.want)
			}
		})
	}
}

func TestParsePerformanceProfile(t *testing.T) {
	p, notes, err := profile.Parse([]byte(`
apiVersion: performance.openshift.io/v2
kind: PerformanceProfile
metadata: {name: ran}
spec:
  cpu: {reserved: "0-1", isolated: "2-7", offlined: "8-9"}
  hugepages:
    defaultHugepagesSize: 1G
    pages: [{size: 1G, count: 2, node: 0}]
  realTimeKernel: {enabled: true}
  globallyDisableIrqLoadBalancing: false
  workloadHints: {realTime: true, highPowerConsumption: true, perPodPowerManagement: true}
  additionalKernelArgs: [nmi_watchdog=0]
  nodeSelector: {node-role.kubernetes.io/worker-cnf: ""}
  numa: {topologyPolicy: single-numa-node}
  net: {userLevelNetworking: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Spec.CPU
	if c.Reserved != "0-1" || c.Isolated != "2-7" || c.SMTPolicy != profile.SMTAllowSplit || p.Metadata.Name != "ran" {
		t.Errorf("cpu = %+v", c)
	}
	if h := p.Spec.HugePages; h.DefaultSize != "1G" || len(h.Pages) != 1 || h.Pages[0].Count != 2 || *h.Pages[0].Node != 0 {
		t.Errorf("hugepages = %+v", h)
	}
	if p.Spec.Power == nil || p.Spec.Power.Governor != "performance" || *p.Spec.Power.MaxIdleLatencyMicros != 0 {
		t.Errorf("power = %+v", p.Spec.Power)
	}
	if diff := cmp.Diff([]string{"nmi_watchdog=0"}, p.Spec.ExtraBootArgs); diff != "" {
		t.Error(diff)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"spec.cpu.offlined (8-9)", "spec.realTimeKernel.enabled", "globallyDisableIrqLoadBalancing=false",
		"perPodPowerManagement", "spec.nodeSelector: select nodes with the rtnode DaemonSet's nodeSelector", "spec.numa:", "spec.net:"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2Mi": 2048, "2M": 2048, "2MB": 2048, "2048kB": 2048, "2048k": 2048, "1Gi": 1 << 20, "1G": 1 << 20} {
		got, err := profile.ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2", "0Mi", "-2Mi", "2Xi", "Mi"} {
		if _, err := profile.ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	if profile.FormatSize(1<<20) != "1G" || profile.FormatSize(2048) != "2M" || profile.FormatSize(64) != "64K" {
		t.Error("FormatSize")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(string(profile.DefaultYAML()))
	f.Add("apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nspec: {cpu: {reserved: '0-1'}, hugepages: {pages: [{size: 2Mi, count: 4, node: 0}]}}\n")
	f.Add("apiVersion: performance.openshift.io/v2\nkind: PerformanceProfile\nspec: {cpu: {reserved: '0', isolated: '1-3'}}\n")
	f.Add("{}")
	f.Add("apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nspec: {sysctl: {a.b: c}, irq: {target: '0-1'}}")
	f.Fuzz(func(t *testing.T, s string) {
		p, _, err := profile.Parse([]byte(s))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse accepted a profile that Validate refuses: %v", err)
		}
	})
}

func TestSysctlPath(t *testing.T) {
	for name, want := range map[string]string{"kernel.timer_migration": "/proc/sys/kernel/timer_migration", "a/b": "", "..x": "", "": "", "kernel.": ""} {
		got, ok := profile.SysctlPath(name)
		if got != want || ok != (want != "") {
			t.Errorf("SysctlPath(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
