package discover

import (
	"sort"
	"strconv"
	"strings"

	"github.com/rtnode/rtnode/pkg/topology"
)

// readPower reads the CPU's cpufreq governor and cpuidle states where the
// kernel exposes them (many VMs expose neither; that is not a gap).
func (d *Discoverer) readPower(c *topology.CPU, g *gaps) {
	if gov, err := d.root.ReadString(sysCPU, cpuName(c.ID), "cpufreq", "scaling_governor"); err == nil {
		c.Governor = gov
	}
	names, err := d.root.ReadDirNames(sysCPU, cpuName(c.ID), "cpuidle")
	if err != nil {
		return
	}
	for _, idx := range stateIndexes(names) {
		n := "state" + strconv.Itoa(idx)
		dir := []string{sysCPU, cpuName(c.ID), "cpuidle", n}
		st := topology.IdleState{Index: idx}
		st.Name, _ = d.root.ReadString(append(dir, "name")...)
		lat, err := d.root.ReadInt(append(dir, "latency")...)
		if err != nil {
			g.addf("cpuidle", "cpu %d %s: %v", c.ID, n, err)
			continue
		}
		st.LatencyMicros = lat
		dis, _ := d.root.ReadString(append(dir, "disable")...)
		st.Disabled = dis == "1"
		c.IdleStates = append(c.IdleStates, st)
	}
}

// stateIndexes returns N of the stateN names, ascending.
func stateIndexes(names []string) []int {
	var out []int
	for _, n := range names {
		rest, ok := strings.CutPrefix(n, "state")
		if v, err := strconv.Atoi(rest); ok && err == nil && v >= 0 && strconv.Itoa(v) == rest {
			out = append(out, v)
		}
	}
	sort.Ints(out)
	return out
}
