package plan_test

import (
	"strings"
	"testing"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/topology"
)

func TestAllocate(t *testing.T) {
	xeon := capture(t, "ghw-dual-xeon-l5640-i350-vfs") // siblings n and n+12; node 0 even cpus, node 1 odd
	epyc, smt4, cxl, offline := dualEPYC(), power4SMT(), sparseCXL(), withOffline()
	epycHalfUsed := epyc.OnlineCPUs().Difference(set(t, "0-7,128-135"))
	for _, tc := range []struct {
		name    string
		m       *topology.Machine
		avail   cpuset.CPUSet
		n       int
		must    string
		node    *int
		want    string
		wantErr string
	}{
		{name: "keeps SMT siblings together on a dual-socket HT box", m: xeon, avail: set(t, "1-23"), n: 4, want: "2,4,14,16"},
		{name: "an odd count finishes a partly used core before splitting a free one", m: xeon, avail: set(t, "1-23"), n: 3, want: "2,12,14"},
		{name: "prefers the device's NUMA node", m: xeon, avail: set(t, "0-23"), n: 4, node: at(1), want: "1,3,13,15"},
		{name: "must-include pulls the rest onto its node", m: xeon, avail: set(t, "0-23"), n: 4, must: "5", want: "1,5,13,17"},
		{name: "a preferred node too small is passed over for one that fits", m: xeon, avail: set(t, "0,2-23"), n: 12, node: at(1), want: "0,2,4,6,8,10,12,14,16,18,20,22"},
		{name: "stays in one L3 group (CCX) when it fits", m: epyc, avail: epyc.OnlineCPUs(), n: 16, want: "0-7,128-135"},
		{name: "packs into the fullest node and L3 group that still fit", m: epyc, avail: epycHalfUsed, n: 8, want: "8-11,136-139"},
		{name: "spills to the nearest nodes when one node is too small", m: epyc, avail: epyc.OnlineCPUs(), n: 80, want: "0-39,128-167"},
		{name: "takes two threads of one 4-way core", m: smt4, avail: smt4.OnlineCPUs(), n: 2, want: "0-1"},
		{name: "finishes a partly used 4-way core first", m: smt4, avail: set(t, "1-31"), n: 3, want: "1-3"},
		{name: "spills from a sparse node to the next socket, not to a memory-only node", m: cxl, avail: cxl.OnlineCPUs(), n: 10, want: "0-4,8-12"},
		{name: "never picks offline cpus", m: offline, avail: set(t, "0-15"), n: 14, want: "0,2-8,10-15"},
		{name: "offline cpus do not count as free", m: offline, avail: set(t, "0-15"), n: 15, wantErr: "not enough cpus: requested=15, free=14"},
		{name: "must-include outside the available set is refused", m: xeon, avail: set(t, "0-2"), n: 2, must: "3", wantErr: "must-include cpus 3 are not available"},
		{name: "must-include larger than the request is refused", m: xeon, avail: set(t, "0-5"), n: 1, must: "0-1", wantErr: "must-include has 2 cpus, more than the 1 requested"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			node := topology.Unknown
			if tc.node != nil {
				node = *tc.node
			}
			must := cpuset.New()
			if tc.must != "" {
				must = set(t, tc.must)
			}
			got, err := plan.NewAllocator(tc.m).Allocate(plan.Request{Available: tc.avail, Size: tc.n, MustInclude: must, NUMANode: node})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Size() != tc.n {
				t.Errorf("got %d cpus (%s), want %d", got.Size(), got, tc.n)
			}
			if tc.want != "" && got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if !got.IsSubsetOf(tc.avail) || !must.IsSubsetOf(got) {
				t.Errorf("got %s: not within %s or missing must-include %s", got, tc.avail, must)
			}
		})
	}
}

// TestAllocateIsDeterministic: the same request gives the same answer, and
// repeated allocations never hand out a CPU twice.
func TestAllocateIsDeterministic(t *testing.T) {
	m := dualEPYC()
	a := plan.NewAllocator(m)
	free := m.OnlineCPUs()
	var got []cpuset.CPUSet
	for _, n := range []int{3, 16, 5, 40, 1, 2, 64} {
		s, err := a.Allocate(plan.Request{Available: free, Size: n, NUMANode: topology.Unknown})
		if err != nil {
			t.Fatal(err)
		}
		again, _ := a.Allocate(plan.Request{Available: free, Size: n, NUMANode: topology.Unknown})
		if !again.Equals(s) {
			t.Fatalf("allocation of %d not deterministic: %s vs %s", n, s, again)
		}
		for _, prev := range got {
			if !prev.Intersection(s).IsEmpty() {
				t.Fatalf("cpus %s handed out twice", prev.Intersection(s))
			}
		}
		got = append(got, s)
		free = free.Difference(s)
	}
}

func at(node int) *int { return &node }
