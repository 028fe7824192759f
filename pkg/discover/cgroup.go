package discover

import (
	"bytes"
	"strings"

	"github.com/rtnode/rtnode/pkg/topology"
)

// readCgroup finds the cgroup mode and where the cpuset controller is.
func (d *Discoverer) readCgroup(m *topology.Machine, g *gaps) {
	b, err := d.root.ReadFile("proc/self/mounts")
	if err != nil {
		if b, err = d.root.ReadFile("proc/mounts"); err != nil {
			g.addf("cgroup", "cannot read /proc/self/mounts: %v", errReason(err))
			return
		}
	}
	mounts, err := ParseMounts(bytes.NewReader(b))
	if err != nil {
		g.addf("cgroup", "/proc/self/mounts: %v", err)
		return
	}
	m.Cgroup = CgroupFromMounts(mounts, d.controllers)
	if m.Cgroup.Mode != "" && m.Cgroup.CPUSetVersion == 0 {
		g.add("cgroup", "the cpuset controller is in no mounted hierarchy")
	}
}

// controllers reads a cgroup2 mount's cgroup.controllers below the root.
func (d *Discoverer) controllers(mountPoint string) ([]string, bool) {
	s, err := d.root.ReadString(mountPoint, "cgroup.controllers")
	if err != nil {
		return nil, false
	}
	return strings.Fields(s), true
}

// CgroupFromMounts derives the cgroup facts from the mount table. It asks
// controllers for the controllers of a cgroup2 mount; when they cannot be
// read, a pure v2 system is assumed to have cpuset enabled.
func CgroupFromMounts(mounts []Mount, controllers func(string) ([]string, bool)) topology.Cgroup {
	var c topology.Cgroup
	v1 := false
	for _, mt := range mounts {
		switch mt.FSType {
		case "cgroup":
			v1 = true
			if mt.HasOption("cpuset") && c.CPUSetVersion == 0 {
				c.CPUSetMount, c.CPUSetVersion = mt.Point, 1
			}
		case "cgroup2":
			if c.UnifiedMount == "" {
				c.UnifiedMount = mt.Point
			}
		}
	}
	switch {
	case v1 && c.UnifiedMount != "":
		c.Mode = topology.CgroupHybrid
	case v1:
		c.Mode = topology.CgroupV1
	case c.UnifiedMount != "":
		c.Mode = topology.CgroupV2
	}
	if c.CPUSetVersion == 0 && c.UnifiedMount != "" {
		ctrl, ok := controllers(c.UnifiedMount)
		if (!ok && c.Mode == topology.CgroupV2) || contains(ctrl, "cpuset") {
			c.CPUSetMount, c.CPUSetVersion = c.UnifiedMount, 2
		}
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
