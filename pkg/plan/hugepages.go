package plan

import (
	"fmt"
	"sort"

	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// planHugePages turns spec.hugepages into a target per node and size, each
// checked against the node's free memory (Compute plans the actions).
func planHugePages(m *topology.Machine, p *profile.NodeProfile, pl *Plan) ([]HugePagesPlan, error) {
	h := p.Spec.HugePages
	if h == nil {
		return nil, nil
	}
	if h.DefaultSize != "" {
		size, _ := profile.ParseSize(h.DefaultSize)
		if !supported(m, size) {
			return nil, profile.Errorf("spec.hugepages.defaultSize", "%s is not supported by this machine (supported: %s)", h.DefaultSize, supportedSizes(m))
		}
	}
	want := map[[2]int64]int64{} // {node, size} → pages
	for i, r := range h.Pages {
		field := fmt.Sprintf("spec.hugepages.pages[%d]", i)
		size, _ := profile.ParseSize(r.Size)
		if !supported(m, size) {
			return nil, profile.Errorf(field+".size", "%s is not supported by this machine (supported: %s)", r.Size, supportedSizes(m))
		}
		if r.Node != nil {
			if m.NUMANode(*r.Node) == nil {
				return nil, profile.Errorf(field+".node", "node %d does not exist (nodes: %s)", *r.Node, topology.CPUList(m.NUMANodeIDs()...))
			}
			want[[2]int64{int64(*r.Node), size}] += int64(r.Count)
			continue
		}
		for node, n := range spread(m, r.Count) {
			want[[2]int64{int64(node), size}] += n
		}
	}
	return hugePageTargets(m, want, pl), nil
}

// spread divides count pages over the nodes with memory, the remainder
// going to the lowest node IDs.
func spread(m *topology.Machine, count int) map[int]int64 {
	var nodes []int
	for _, n := range m.NUMANodes {
		if n.MemTotal > 0 || len(m.NUMANodes) == 1 {
			nodes = append(nodes, n.ID)
		}
	}
	out := map[int]int64{}
	if len(nodes) == 0 {
		return out
	}
	for i, id := range nodes {
		out[id] = int64(count / len(nodes))
		if i < count%len(nodes) {
			out[id]++
		}
	}
	return out
}

// hugePageTargets is the pool of each node and size, with its feasibility;
// the pools that cannot grow enough now are noted.
func hugePageTargets(m *topology.Machine, want map[[2]int64]int64, pl *Plan) []HugePagesPlan {
	keys := make([][2]int64, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var plans []HugePagesPlan
	for _, k := range keys {
		node := m.NUMANode(int(k[0]))
		hp := HugePagesPlan{Node: node.ID, SizeKiB: k[1], To: want[k], FreeBytes: node.MemFree, Feasible: true}
		for _, pool := range node.HugePages {
			if pool.SizeKiB == k[1] {
				hp.From = pool.Total
			}
		}
		if hp.To > hp.From {
			hp.NeedBytes = (hp.To - hp.From) * k[1] * 1024
			hp.Feasible = hp.NeedBytes <= hp.FreeBytes
		}
		if !hp.Feasible {
			pl.note(fmt.Sprintf("hugepages: node %d cannot hold %d more %s pages now (needs %d MiB, %d MiB free); apply will compact, retry and report the shortfall",
				hp.Node, hp.To-hp.From, profile.FormatSize(k[1]), hp.NeedBytes>>20, hp.FreeBytes>>20))
		}
		plans = append(plans, hp)
	}
	return plans
}

// action sets the pool's page count.
func (h HugePagesPlan) action() Action {
	return Action{KindHugePages, HugePagesPath(h.Node, h.SizeKiB), fmt.Sprint(h.From), fmt.Sprint(h.To),
		fmt.Sprintf("%s hugepages on node %d", profile.FormatSize(h.SizeKiB), h.Node)}
}

// supported reports whether some node has a pool of that size.
func supported(m *topology.Machine, kib int64) bool {
	for _, n := range m.NUMANodes {
		for _, h := range n.HugePages {
			if h.SizeKiB == kib {
				return true
			}
		}
	}
	return false
}

func supportedSizes(m *topology.Machine) string {
	seen := map[int64]bool{}
	var sizes []int64
	for _, n := range m.NUMANodes {
		for _, h := range n.HugePages {
			if !seen[h.SizeKiB] {
				seen[h.SizeKiB] = true
				sizes = append(sizes, h.SizeKiB)
			}
		}
	}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] < sizes[j] })
	out := ""
	for i, s := range sizes {
		if i > 0 {
			out += ", "
		}
		out += profile.FormatSize(s)
	}
	if out == "" {
		return "none"
	}
	return out
}

// HugePagesPath is the file that holds a node's pool of one page size.
func HugePagesPath(node int, sizeKiB int64) string {
	return fmt.Sprintf("/sys/devices/system/node/node%d/hugepages/hugepages-%dkB/nr_hugepages", node, sizeKiB)
}

// Shortfall says how many pages of sizeKiB a pool lacks, in pages and MiB:
// "short 39 pages (78 MiB)".
func Shortfall(pages, sizeKiB int64) string {
	return fmt.Sprintf("short %d pages (%d MiB)", pages, pages*sizeKiB>>10)
}
