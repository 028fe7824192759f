package topology

import (
	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"
)

// AffinityMask is set as the mask sched_setaffinity takes.
func AffinityMask(set cpuset.CPUSet) *unix.CPUSet {
	var m unix.CPUSet
	for _, id := range set.UnsortedList() {
		m.Set(id)
	}
	return &m
}

// AffinityCPUs is the set of CPUs in a sched_getaffinity mask.
func AffinityCPUs(m *unix.CPUSet) cpuset.CPUSet {
	var ids []int
	for i := 0; i < len(m)*64; i++ {
		if m.IsSet(i) {
			ids = append(ids, i)
		}
	}
	return cpuset.New(ids...)
}
