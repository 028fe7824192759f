package topology

import (
	"testing"

	"k8s.io/utils/cpuset"
)

func TestAffinityMaskRoundTrip(t *testing.T) {
	for _, set := range []cpuset.CPUSet{cpuset.New(), cpuset.New(0), cpuset.New(1, 3, 64, 255, 1023)} {
		m := AffinityMask(set)
		if m.Count() != set.Size() {
			t.Errorf("mask of %s has %d cpus", set, m.Count())
		}
		if got := AffinityCPUs(m); !got.Equals(set) {
			t.Errorf("AffinityCPUs(AffinityMask(%s)) = %s", set, got)
		}
	}
}
