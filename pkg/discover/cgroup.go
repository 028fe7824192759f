package discover

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/topology"
)

// ReadMounts reads the mount table below root: /proc/self/mounts, or
// /proc/mounts where a capture has no self link.
func ReadMounts(root hostfs.Root) ([]Mount, error) {
	b, err := root.ReadFile("proc/self/mounts")
	if err != nil {
		if b, err = root.ReadFile("proc/mounts"); err != nil {
			return nil, fmt.Errorf("cannot read /proc/self/mounts: %v", errReason(err))
		}
	}
	mounts, err := ParseMounts(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("/proc/self/mounts: %v", err)
	}
	return mounts, nil
}

// readCgroup finds the cgroup mode and where the cpuset controller is.
func (d *Discoverer) readCgroup(m *topology.Machine, g *gaps) {
	mounts, err := ReadMounts(d.root)
	if err != nil {
		g.add("cgroup", err.Error())
		return
	}
	m.Cgroup = CgroupFromMounts(mounts, d.controllers)
	if m.Cgroup.Mode != "" && m.Cgroup.CPUSetVersion == 0 {
		g.add("cgroup", "the cpuset controller is in no mounted hierarchy")
	}
	d.readCgroupFiles(&m.Cgroup)
}

// ManagedCgroupFiles are the files below the cpuset mount that rtnode's
// cpuset actions write.
var ManagedCgroupFiles = []string{
	"cpuset.sched_load_balance",
	"rtnode-housekeeping/cpuset.cpus",
	"rtnode-isolated/cpuset.cpus", "rtnode-isolated/cpuset.sched_load_balance",
	"rtnode-isolated/cpuset.cpus.exclusive", "rtnode-isolated/cpuset.cpus.partition",
}

// readCgroupFiles reads the managed cpuset files that exist.
func (d *Discoverer) readCgroupFiles(c *topology.Cgroup) {
	if c.CPUSetMount == "" {
		return
	}
	c.Files = map[string]string{}
	for _, f := range ManagedCgroupFiles {
		p := path.Join(c.CPUSetMount, f)
		if v, err := d.root.ReadString(p); err == nil {
			c.Files[p] = v
		}
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
		if (!ok && c.Mode == topology.CgroupV2) || slices.Contains(ctrl, "cpuset") {
			c.CPUSetMount, c.CPUSetVersion = c.UnifiedMount, 2
		}
	}
	return c
}
