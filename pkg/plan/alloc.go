package plan

import (
	"fmt"
	"sort"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// Allocator picks CPUs by topology. It is built once per machine and is
// the one allocator rtnode has: the planner uses it, and the device plugin
// answers GetPreferredAllocation with it. It is pure and deterministic.
type Allocator struct {
	cores  []allocCore // physical cores, ordered by lowest CPU
	coreOf []int       // CPU → index in cores, -1 for unknown CPUs
	nodes  []int       // NUMA node IDs, ascending
	dist   map[[2]int]int
}

type allocCore struct {
	cpus []int // online threads, ascending
	node int
	l3   int
}

// NewAllocator indexes the machine's online cores.
func NewAllocator(m *topology.Machine) *Allocator {
	a := &Allocator{nodes: m.NUMANodeIDs(), dist: map[[2]int]int{}}
	maxID := 0
	for _, c := range m.CPUs {
		maxID = max(maxID, c.ID)
	}
	a.coreOf = make([]int, maxID+1)
	for i := range a.coreOf {
		a.coreOf[i] = -1
	}
	for _, c := range m.Cores() {
		cpus := c.CPUs.List()
		l3 := topology.Unknown
		if cpu := m.CPU(cpus[0]); cpu != nil {
			l3 = cpu.L3
		}
		for _, id := range cpus {
			a.coreOf[id] = len(a.cores)
		}
		a.cores = append(a.cores, allocCore{cpus: cpus, node: c.NUMANode, l3: l3})
	}
	for _, n := range m.NUMANodes {
		for to, d := range n.Distances {
			a.dist[[2]int{n.ID, to}] = d
		}
	}
	return a
}

// Request asks for Size CPUs out of Available.
type Request struct {
	Available cpuset.CPUSet
	Size      int
	// MustInclude CPUs are taken first (kubelet's must_include).
	MustInclude cpuset.CPUSet
	// NUMANode is the preferred node (a device's), or topology.Unknown.
	NUMANode int
}

// Allocate picks req.Size CPUs:
//
//  1. take MustInclude;
//  2. if the rest fits in one NUMA node, use one node: the node already
//     holding MustInclude, else the preferred node, else the node with the
//     fewest free CPUs that is large enough (ties: lowest ID); within it,
//     one L3 group chosen the same way when one is large enough;
//  3. otherwise take from nodes in order of distance from that anchor node
//     (ties: more free CPUs first, then lowest ID);
//  4. within a group, take whole free cores first (lowest CPU first), then
//     threads of partly used cores (fewest free first), and split a free
//     core last, its threads together.
func (a *Allocator) Allocate(req Request) (cpuset.CPUSet, error) {
	st := a.newState(req.Available)
	for _, id := range req.MustInclude.UnsortedList() {
		if !st.isFree(id) {
			usable := a.online(req.Available)
			return cpuset.New(), fmt.Errorf("must-include cpus %s are not available online cpus (available: %s)",
				req.MustInclude.Difference(usable), usable)
		}
	}
	if req.Size < req.MustInclude.Size() {
		return cpuset.New(), fmt.Errorf("must-include has %d cpus, more than the %d requested", req.MustInclude.Size(), req.Size)
	}
	if req.Size > st.nfree {
		return cpuset.New(), fmt.Errorf("not enough cpus: requested=%d, free=%d", req.Size, st.nfree)
	}
	for _, id := range req.MustInclude.UnsortedList() {
		st.take(id)
	}
	need := req.Size - req.MustInclude.Size()
	if need > 0 {
		a.fill(st, need, a.anchor(st, req))
	}
	return cpuset.New(st.taken...), nil
}

// online keeps the CPUs of set that belong to an online core.
func (a *Allocator) online(set cpuset.CPUSet) cpuset.CPUSet {
	var ids []int
	for _, id := range set.UnsortedList() {
		if id >= 0 && id < len(a.coreOf) && a.coreOf[id] >= 0 {
			ids = append(ids, id)
		}
	}
	return cpuset.New(ids...)
}

// allocState tracks which CPUs are free during one allocation.
type allocState struct {
	a     *Allocator
	free  []bool
	nfree int
	taken []int
}

func (a *Allocator) newState(avail cpuset.CPUSet) *allocState {
	st := &allocState{a: a, free: make([]bool, len(a.coreOf))}
	for _, id := range avail.UnsortedList() {
		if id >= 0 && id < len(st.free) && a.coreOf[id] >= 0 {
			st.free[id] = true
			st.nfree++
		}
	}
	return st
}

func (st *allocState) isFree(id int) bool { return id >= 0 && id < len(st.free) && st.free[id] }

func (st *allocState) take(id int) {
	if st.isFree(id) {
		st.free[id] = false
		st.nfree--
	}
	st.taken = append(st.taken, id)
}

// freeIn counts the free CPUs of the cores for which keep is true.
func (st *allocState) freeIn(keep func(*allocCore) bool) int {
	n := 0
	for i := range st.a.cores {
		if c := &st.a.cores[i]; keep(c) {
			n += st.freeOf(c)
		}
	}
	return n
}

func (st *allocState) freeOf(c *allocCore) int {
	n := 0
	for _, id := range c.cpus {
		if st.free[id] {
			n++
		}
	}
	return n
}

// anchor returns the node allocation starts from: MustInclude's node, the
// preferred node, or else Unknown.
func (a *Allocator) anchor(st *allocState, req Request) int {
	nodes := map[int]bool{}
	for _, id := range req.MustInclude.UnsortedList() {
		if id < len(a.coreOf) && a.coreOf[id] >= 0 {
			nodes[a.cores[a.coreOf[id]].node] = true
		}
	}
	if len(nodes) == 1 {
		for n := range nodes {
			return n
		}
	}
	if len(nodes) == 0 {
		return req.NUMANode
	}
	return topology.Unknown
}

// fill takes need CPUs: one node if possible, else by distance.
func (a *Allocator) fill(st *allocState, need, anchor int) {
	inNode := func(n int) func(*allocCore) bool { return func(c *allocCore) bool { return c.node == n } }
	if n, ok := a.pickGroup(st, a.nodes, need, anchor, inNode); ok {
		a.fillNode(st, need, n)
		return
	}
	order := append([]int(nil), a.nodes...)
	if anchor == topology.Unknown && len(order) > 0 {
		anchor = a.mostFree(st, order, inNode)
	}
	sort.SliceStable(order, func(i, j int) bool {
		di, dj := a.distance(anchor, order[i]), a.distance(anchor, order[j])
		if di != dj {
			return di < dj
		}
		fi, fj := st.freeIn(inNode(order[i])), st.freeIn(inNode(order[j]))
		if fi != fj {
			return fi > fj
		}
		return order[i] < order[j]
	})
	for _, n := range order {
		need -= st.takeCores(need, inNode(n))
		if need == 0 {
			return
		}
	}
}

// fillNode takes need CPUs from node n, from one L3 group if one is large
// enough.
func (a *Allocator) fillNode(st *allocState, need, n int) {
	var groups []int
	seen := map[int]bool{}
	for _, c := range a.cores {
		if c.node == n && !seen[c.l3] {
			seen[c.l3] = true
			groups = append(groups, c.l3)
		}
	}
	inL3 := func(g int) func(*allocCore) bool {
		return func(c *allocCore) bool { return c.node == n && c.l3 == g }
	}
	if len(groups) > 1 {
		if g, ok := a.pickGroup(st, groups, need, topology.Unknown, inL3); ok {
			st.takeCores(need, inL3(g))
			return
		}
	}
	st.takeCores(need, func(c *allocCore) bool { return c.node == n })
}

// pickGroup chooses a group with at least need free CPUs: prefer first if
// it is large enough, else the one with the fewest free (ties: lowest ID).
func (a *Allocator) pickGroup(st *allocState, ids []int, need, prefer int, in func(int) func(*allocCore) bool) (int, bool) {
	if prefer != topology.Unknown && st.freeIn(in(prefer)) >= need {
		return prefer, true
	}
	best, bestFree := 0, -1
	for _, g := range ids {
		f := st.freeIn(in(g))
		if f >= need && (bestFree < 0 || f < bestFree || (f == bestFree && g < best)) {
			best, bestFree = g, f
		}
	}
	return best, bestFree >= 0
}

func (a *Allocator) mostFree(st *allocState, ids []int, in func(int) func(*allocCore) bool) int {
	best, bestFree := ids[0], -1
	for _, g := range ids {
		if f := st.freeIn(in(g)); f > bestFree {
			best, bestFree = g, f
		}
	}
	return best
}

func (a *Allocator) distance(from, to int) int {
	if from == to {
		return 0
	}
	if d, ok := a.dist[[2]int{from, to}]; ok {
		return d
	}
	return 1 << 20
}

// takeCores takes up to need CPUs from the cores for which keep is true
// (step 4 of Allocate) and returns how many it took.
func (st *allocState) takeCores(need int, keep func(*allocCore) bool) int {
	var whole, partial []*allocCore
	for i := range st.a.cores {
		c := &st.a.cores[i]
		if !keep(c) {
			continue
		}
		switch f := st.freeOf(c); {
		case f == len(c.cpus):
			whole = append(whole, c)
		case f > 0:
			partial = append(partial, c)
		}
	}
	took := 0
	var rest []*allocCore
	for _, c := range whole {
		if len(c.cpus) <= need-took {
			took += st.takeFree(c, need-took)
		} else {
			rest = append(rest, c)
		}
	}
	sort.SliceStable(partial, func(i, j int) bool { return st.freeOf(partial[i]) < st.freeOf(partial[j]) })
	for _, c := range append(partial, rest...) {
		if took == need {
			break
		}
		took += st.takeFree(c, need-took)
	}
	return took
}

// takeFree takes up to n free threads of core c, lowest first.
func (st *allocState) takeFree(c *allocCore, n int) int {
	took := 0
	for _, id := range c.cpus {
		if took == n {
			break
		}
		if st.free[id] {
			st.take(id)
			took++
		}
	}
	return took
}
