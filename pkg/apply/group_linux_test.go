package apply

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/hostfs"
)

// These check that rtnode's cgroup paths reach containerd/cgroups below a
// host root that is not "/" (a DaemonSet's /host, a test tree); the live
// tests drive the same code on the real kernel.

// cgroupTree builds a host root holding files (and an empty cpuinfo, so
// that it is a host root).
func cgroupTree(t *testing.T, files testmachine.Tree) hostfs.Root {
	files["proc/cpuinfo"] = ""
	return testmachine.Build(t, files)
}

func TestNewCgroupV1CopiesParentCPUsAndMems(t *testing.T) {
	root := cgroupTree(t, testmachine.Tree{
		"sys/fs/cgroup/cpuset/cpuset.cpus": "0-3\n",
		"sys/fs/cgroup/cpuset/cpuset.mems": "0\n",
		"sys/fs/cgroup/cpuset/tasks":       "",
	})
	if err := createCgroup(root, "/sys/fs/cgroup/cpuset/rtnode-isolated"); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{"cpuset.cpus": "0-3\n", "cpuset.mems": "0\n"} {
		if b, _ := os.ReadFile(root.Path("/sys/fs/cgroup/cpuset/rtnode-isolated", file)); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
}

func TestCgroupV1MountNamedOtherwise(t *testing.T) {
	root := cgroupTree(t, testmachine.Tree{"dev/cpusets/cpuset.cpus": "0-3\n"})
	err := createCgroup(root, "/dev/cpusets/rtnode-isolated")
	if err == nil || !strings.Contains(err.Error(), "mounted at /dev/cpusets") {
		t.Errorf("err = %v, want one naming the mount", err)
	}
}

func TestEnterCgroupV2WritesTheProcess(t *testing.T) {
	root := cgroupTree(t, testmachine.Tree{
		"sys/fs/cgroup/cgroup.subtree_control":                "cpuset\n",
		"sys/fs/cgroup/cgroup.procs":                          "",
		"sys/fs/cgroup/rtnode-isolated/cpuset.cpus.partition": "isolated\n",
		"sys/fs/cgroup/rtnode-isolated/cgroup.procs":          "",
	})
	g, err := loadCgroup(root, "/sys/fs/cgroup/rtnode-isolated")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.enter(7, 42); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(root.Path("/sys/fs/cgroup/rtnode-isolated/cgroup.procs"))
	if string(b) != "42" {
		t.Errorf("cgroup.procs = %q, want the process 42", b)
	}
}

func TestEnterCgroupV1WritesTheThread(t *testing.T) {
	root := cgroupTree(t, testmachine.Tree{
		"sys/fs/cgroup/cpuset/tasks":                 "",
		"sys/fs/cgroup/cpuset/rtnode-isolated/tasks": "",
	})
	g, err := loadCgroup(root, "/sys/fs/cgroup/cpuset/rtnode-isolated")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.enter(7, 42); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(root.Path("/sys/fs/cgroup/cpuset/rtnode-isolated/tasks"))
	if string(b) != strconv.Itoa(7) {
		t.Errorf("tasks = %q, want the thread 7", b)
	}
}
