package plan_test

import (
	"strings"
	"testing"

	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

func TestPartition(t *testing.T) {
	two, three, four := 2, 3, 4
	xeon := capture(t, "ghw-dual-xeon-l5640-i350-vfs")
	for _, tc := range []struct {
		name          string
		m             *topology.Machine
		cpu           profile.CPUSpec
		reserved, iso string
		note          string
	}{
		{name: "the default reserves cpu 0 of this 2-cpu VM", m: vm2(), reserved: "0", iso: "1"},
		{name: "the default reserves the first whole core of each node on a dual-socket HT box", m: xeon, reserved: "0-1,12-13", iso: "2-11,14-23"},
		{name: "the default reserves one core in each of four SNC nodes", m: capture(t, "hwloc-memorysidecaches"), reserved: "0-3,40-43", iso: "4-39,44-79"},
		{name: "the default reserves one core in each of eight nodes of the 256-cpu EPYC", m: dualEPYC(), reserved: "0,16,32,48,64,80,96,112,128,144,160,176,192,208,224,240"},
		{name: "the default skips offline cpus and takes each node's first online core", m: capture(t, "hwloc-offline-cpu0-node0"), reserved: "4-5", iso: "6-20"},
		{name: "the default on an Arm board without NUMA reserves cpu 0", m: capture(t, "hwloc-2arm-2c"), reserved: "0", iso: "1"},
		{name: "the default ignores memory-only nodes", m: sparseCXL(), reserved: "0,4,8,12"},
		{name: "reservedCount spread takes one core per node in turn", m: xeon, cpu: profile.CPUSpec{ReservedCount: &four}, reserved: "0-1,12-13"},
		{name: "reservedCount packed fills node 0 first", m: xeon, cpu: profile.CPUSpec{ReservedCount: &four, ReservedPlacement: "packed"}, reserved: "0,2,12,14"},
		{name: "an odd reservedCount is rounded up to whole cores", m: xeon, cpu: profile.CPUSpec{ReservedCount: &three}, reserved: "0-1,12-13", note: "rounded up to 4"},
		{name: "allow-split reserves exactly the count", m: xeon, cpu: profile.CPUSpec{ReservedCount: &three, SMTPolicy: "allow-split"}, reserved: "0-1,12"},
		{name: "housekeeping prefers efficiency cores on a hybrid part", m: capture(t, "hwloc-20em64t-hybrid-1p6c2t+2ca4co1t"), cpu: profile.CPUSpec{ReservedCount: &two, HousekeepingPrefers: "efficiency-cores"}, reserved: "12-13", iso: "0-11,14-19"},
		{name: "efficiency cores first on a literal hybrid layout", m: hybridPE(), cpu: profile.CPUSpec{ReservedCount: &two, HousekeepingPrefers: "efficiency-cores"}, reserved: "4-5"},
		{name: "preferring efficiency cores where there are none is noted", m: xeon, cpu: profile.CPUSpec{ReservedCount: &two, HousekeepingPrefers: "efficiency-cores"}, reserved: "0,12", note: "no efficiency cores"},
		{name: "4-way SMT reservedCount 2 takes a whole 4-thread core", m: power4SMT(), cpu: profile.CPUSpec{ReservedCount: &two}, reserved: "0-3"},
		{name: "an explicit reserved list and an explicit isolated list", m: xeon, cpu: profile.CPUSpec{Reserved: "0,12", Isolated: "2-5,14-17"}, reserved: "0,12", iso: "2-5,14-17"},
		{name: "allow-split accepts half a core", m: xeon, cpu: profile.CPUSpec{Reserved: "0", SMTPolicy: "allow-split"}, reserved: "0", iso: "1-23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cpu
			normalizeCPU(&c)
			res, iso, notes, err := plan.Partition(tc.m, &c)
			if err != nil {
				t.Fatal(err)
			}
			if res.String() != tc.reserved {
				t.Errorf("reserved = %s, want %s", res, tc.reserved)
			}
			if tc.iso != "" && iso.String() != tc.iso {
				t.Errorf("isolated = %s, want %s", iso, tc.iso)
			}
			if !res.Intersection(iso).IsEmpty() || !res.Union(iso).IsSubsetOf(tc.m.OnlineCPUs()) {
				t.Errorf("reserved %s and isolated %s overlap or leave the online cpus", res, iso)
			}
			if tc.note != "" && !strings.Contains(strings.Join(notes, "\n"), tc.note) {
				t.Errorf("notes %v lack %q", notes, tc.note)
			}
		})
	}
}

func TestPartitionErrors(t *testing.T) {
	xeon := capture(t, "ghw-dual-xeon-l5640-i350-vfs")
	offline := capture(t, "hwloc-offline-cpu0-node0")
	all := 24
	for _, tc := range []struct {
		name string
		m    *topology.Machine
		cpu  profile.CPUSpec
		want string
	}{
		{"a cpu that does not exist", xeon, profile.CPUSpec{Reserved: "0,12,99"}, "spec.cpu.reserved: cpu 99 does not exist (online: 0-23)"},
		{"an offline cpu", offline, profile.CPUSpec{Reserved: "0"}, "spec.cpu.reserved: cpu 0 is offline (online: 4-20)"},
		{"half a core under full-cores", xeon, profile.CPUSpec{Reserved: "0"}, "spec.cpu.reserved: cpu 0 shares a core with cpu 12"},
		{"half a core in the isolated list", xeon, profile.CPUSpec{Reserved: "0,12", Isolated: "1"}, "spec.cpu.isolated: cpu 1 shares a core with cpu 13"},
		{"reserved leaves nothing to isolate", xeon, profile.CPUSpec{Reserved: "0-23"}, "spec.cpu.reserved: 0-23 leaves no cpu to isolate (online: 0-23)"},
		{"reservedCount leaves nothing to isolate", xeon, profile.CPUSpec{ReservedCount: &all}, "spec.cpu.reservedCount: 24 leaves no cpu to isolate"},
		{"isolated overlaps reserved", xeon, profile.CPUSpec{Reserved: "0,12", Isolated: "0-5,12-17"}, "spec.cpu.isolated: cpus 0,12 are also reserved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cpu
			normalizeCPU(&c)
			_, _, _, err := plan.Partition(tc.m, &c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func normalizeCPU(c *profile.CPUSpec) {
	p := profile.NodeProfile{Spec: profile.Spec{CPU: *c}}
	p.Normalize()
	*c = p.Spec.CPU
}
