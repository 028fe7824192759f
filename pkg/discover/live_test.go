package discover_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/topology"
)

// TestDiscoverLiveHost checks discovery of the machine the test runs on
// against independent sources: /proc/cpuinfo, uname, statfs and the
// interrupts file.
func TestDiscoverLiveHost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("live discovery needs Linux")
	}
	root, err := hostfs.New("/")
	if err != nil {
		t.Fatal(err)
	}
	m, err := discover.New(root, nil).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cpuinfo, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "online cpus vs processors in /proc/cpuinfo", m.OnlineCPUs().Size(), bytes.Count(cpuinfo, []byte("\nprocessor\t:"))+boolInt(bytes.HasPrefix(cpuinfo, []byte("processor\t:"))))
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		t.Fatal(err)
	}
	eq(t, "kernel release vs uname", m.Kernel.Release, unix.ByteSliceToString(uts.Release[:]))
	eq(t, "numa nodes hold every online cpu", unionNodes(m).String(), m.OnlineCPUs().String())
	checkLiveCgroup(t, m)
	interrupts, err := os.ReadFile("/proc/interrupts")
	if err == nil {
		numbered := 0
		for _, l := range strings.Split(string(interrupts), "\n")[1:] {
			id, _, _ := strings.Cut(strings.TrimSpace(l), ":")
			if id != "" && strings.Trim(id, "0123456789") == "" {
				numbered++
			}
		}
		eq(t, "numbered irqs", len(m.IRQs), numbered)
	}
	for _, d := range m.PCIDevices {
		if d.VendorID == "" || len(d.Class) != 6 {
			t.Errorf("pci %s: vendor %q class %q", d.Address, d.VendorID, d.Class)
		}
	}
}

func checkLiveCgroup(t *testing.T, m *topology.Machine) {
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err != nil {
		t.Skipf("statfs /sys/fs/cgroup: %v", err)
	}
	if st.Type == unix.CGROUP2_SUPER_MAGIC {
		eq(t, "cgroup mode on a cgroup2 /sys/fs/cgroup", m.Cgroup.Mode, topology.CgroupV2)
		return
	}
	if m.Cgroup.Mode != topology.CgroupV1 && m.Cgroup.Mode != topology.CgroupHybrid {
		t.Errorf("cgroup mode = %q on a tmpfs /sys/fs/cgroup, want v1 or hybrid", m.Cgroup.Mode)
	}
}

func unionNodes(m *topology.Machine) interface{ String() string } {
	set := m.CPUsInNUMANodes(m.NUMANodeIDs()...)
	return set
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
