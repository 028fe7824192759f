package main_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const (
	v1Cpuset = "/sys/fs/cgroup/cpuset"
	unified  = "/sys/fs/cgroup/unified"
)

// TestApplyRevertCgroupV2Live moves this machine's cpuset controller from
// the v1 hierarchy to the unified one (as ../shared/docs/MACHINE-FACTS.md
// describes), applies the default profile as a cgroup v2 isolated
// partition, checks the kernel isolated CPU 1 from every other task,
// reverts, and moves the controller back — also when the test fails.
func TestApplyRevertCgroupV2Live(t *testing.T) {
	_, state, _ := liveSetup(t)
	if _, err := os.Stat(unified + "/cgroup.controllers"); err != nil {
		t.Skip("needs a cgroup2 mount at " + unified)
	}
	toV2(t)
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(state, "journal.jsonl")); err == nil {
			run(t, "revert", "--state-dir", state)
		}
		_ = os.Remove(unified + "/rtnode-isolated")
		_ = os.WriteFile(unified+"/cgroup.subtree_control", []byte("-cpuset"), 0)
		toV1(t)
	})
	out, stderr, code := run(t, "apply", "--state-dir", state)
	if code != 0 {
		t.Fatalf("apply on cgroup v2 (exit %d):\n%s\n%s", code, out, stderr)
	}
	if got := readTrim(unified + "/rtnode-isolated/cpuset.cpus.partition"); got != "isolated" {
		t.Errorf("partition reads %q, want isolated", got)
	}
	if got := readTrim(unified + "/cpuset.cpus.isolated"); got != "1" {
		t.Errorf("root cpuset.cpus.isolated = %q, want 1", got)
	}
	if got := allowed(1); got != "0" {
		t.Errorf("pid 1 may run on %q, want 0 only", got)
	}
	if out, stderr, code := run(t, "revert", "--state-dir", state); code != 0 {
		t.Fatalf("revert on cgroup v2 (exit %d):\n%s\n%s", code, out, stderr)
	}
	if _, err := os.Stat(unified + "/rtnode-isolated"); err == nil {
		t.Error("revert left the partition cgroup")
	}
	if got := readTrim(unified + "/cgroup.subtree_control"); strings.Contains(got, "cpuset") {
		t.Errorf("revert left +cpuset in subtree_control: %q", got)
	}
	if got := allowed(1); got != "0-1" {
		t.Errorf("after revert pid 1 may run on %q, want 0-1", got)
	}
}

// toV2 unmounts the v1 cpuset hierarchy and waits for the controller to
// appear in the unified one. A process reading a cpuset file keeps the
// mount busy for a moment, so EBUSY is retried for a few seconds.
func toV2(t *testing.T) {
	t.Helper()
	var err error
	for i := 0; i < 60; i++ {
		if err = unix.Unmount(v1Cpuset, 0); !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if errors.Is(err, unix.EBUSY) {
		t.Skipf("cannot move the cpuset controller to cgroup v2 on this boot: unmounting %s says %v for 3 s (a process, often PID 1, holds the v1 hierarchy open)", v1Cpuset, err)
	}
	if err != nil {
		t.Fatalf("unmount %s: %v", v1Cpuset, err)
	}
	for i := 0; i < 100; i++ {
		if strings.Contains(readTrim(unified+"/cgroup.controllers"), "cpuset") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	toV1(t)
	t.Skipf("cannot move the cpuset controller to cgroup v2 on this boot: after unmounting %s the v1 cpuset hierarchy lives on (/proc/cgroups: %q), so something still references it (an open file on an earlier, lazily detached mount, for one)", v1Cpuset, cpusetHierarchy())
}

// cpusetHierarchy returns the cpuset line of /proc/cgroups.
func cpusetHierarchy() string {
	b, _ := os.ReadFile("/proc/cgroups")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "cpuset\t") {
			return l
		}
	}
	return ""
}

// toV1 mounts the v1 cpuset hierarchy back; the kernel releases the
// controller asynchronously, so the first attempts may fail.
func toV1(t *testing.T) {
	t.Helper()
	var err error
	for i := 0; i < 200; i++ {
		if err = unix.Mount("cpuset", v1Cpuset, "cgroup", 0, "cpuset"); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("could not mount the v1 cpuset hierarchy back at %s: %v (mount -t cgroup -o cpuset cpuset %s)", v1Cpuset, err, v1Cpuset)
}

func readTrim(p string) string {
	b, _ := os.ReadFile(p)
	return strings.TrimSpace(string(b))
}

func allowed(pid int) string {
	b, _ := os.ReadFile("/proc/" + itoa(pid) + "/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
