package apply

import (
	"fmt"
	"path"

	"github.com/containerd/cgroups/v3/cgroup1"
	"github.com/containerd/cgroups/v3/cgroup2"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/rtnode/rtnode/pkg/hostfs"
)

// group is one of rtnode's cgroups directly below the cpuset mount, handled
// with containerd/cgroups: membership (enter, empty, remove) goes through
// the library, the values rtnode journals (cpuset.cpus, partitions, load
// balancing) are written by the applier itself.
type group struct {
	v1, v1Parent cgroup1.Cgroup
	v2, v2Parent *cgroup2.Manager
}

// unified reports whether the cgroup directory at dir belongs to the cgroup
// v2 hierarchy (it has cgroup.subtree_control).
func unified(root hostfs.Root, dir string) bool {
	return root.Exists(dir, "cgroup.subtree_control")
}

// loadCgroup opens the cgroup at dir (a host path such as
// /sys/fs/cgroup/cpuset/rtnode-isolated) below root.
func loadCgroup(root hostfs.Root, dir string) (group, error) {
	mount, name := path.Dir(dir), "/"+path.Base(dir)
	if unified(root, mount) {
		at := cgroup2.WithMountpoint(root.Path(mount))
		g, err := cgroup2.Load(name, at)
		if err != nil {
			return group{}, fmt.Errorf("cgroup %s: %w", dir, err)
		}
		parent, err := cgroup2.Load("/", at)
		if err != nil {
			return group{}, fmt.Errorf("cgroup %s: %w", mount, err)
		}
		return group{v2: g, v2Parent: parent}, nil
	}
	h, err := cpusetHierarchy(root, mount)
	if err != nil {
		return group{}, err
	}
	g, err := cgroup1.Load(cgroup1.StaticPath(name), h)
	if err != nil {
		return group{}, fmt.Errorf("cgroup %s: %w", dir, err)
	}
	parent, err := cgroup1.Load(cgroup1.RootPath, h)
	if err != nil {
		return group{}, fmt.Errorf("cgroup %s: %w", mount, err)
	}
	return group{v1: g, v1Parent: parent}, nil
}

// createCgroup creates the cgroup at dir: with v1 containerd/cgroups gives
// it its parent's CPUs and memory nodes (an empty cpuset.mems refuses
// tasks); a v2 child inherits them.
func createCgroup(root hostfs.Root, dir string) error {
	mount := path.Dir(dir)
	if unified(root, mount) {
		return root.Mkdir(dir)
	}
	h, err := cpusetHierarchy(root, mount)
	if err != nil {
		return err
	}
	_, err = cgroup1.New(cgroup1.StaticPath("/"+path.Base(dir)), &specs.LinuxResources{}, h)
	return err
}

// cpusetHierarchy is the v1 cpuset hierarchy mounted at mount, alone:
// containerd/cgroups names a v1 controller's directory after it.
func cpusetHierarchy(root hostfs.Root, mount string) (cgroup1.InitOpts, error) {
	if path.Base(mount) != string(cgroup1.Cpuset) {
		return nil, fmt.Errorf("the cgroup v1 cpuset hierarchy is mounted at %s: rtnode needs it in a directory named cpuset", mount)
	}
	cpuset := cgroup1.NewCpuset(root.Path(path.Dir(mount)))
	return cgroup1.WithHierarchy(func() ([]cgroup1.Subsystem, error) {
		return []cgroup1.Subsystem{cpuset}, nil
	}), nil
}

// enter moves one thread in: with v1 the thread alone, with v2 its whole
// process (a partition holds processes).
func (g group) enter(tid, pid int) error {
	if g.v2 != nil {
		return g.v2.AddProc(uint64(pid))
	}
	return g.v1.AddTask(cgroup1.Process{Pid: tid})
}

// empty moves every process of the cgroup to its parent.
func (g group) empty() error {
	if g.v2 != nil {
		return g.v2.MoveTo(g.v2Parent)
	}
	return g.v1.MoveTo(g.v1Parent)
}

// remove deletes the (empty) cgroup.
func (g group) remove() error {
	if g.v2 != nil {
		return g.v2.Delete()
	}
	return g.v1.Delete()
}
