package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/procfs"
)

// Teardown stops everything Start began and removes what it left: pods
// (manifests removed, then sandboxes force-removed), the kubelet, the
// containerd shims and containerd (by PID), mounts under the cluster
// directory, containerd's /run/containerd leftovers, the cgroup
// directories of kubepods in every hierarchy, the device-plugin socket and
// the directory itself. On failure it prints the daemons' last log lines.
func (c *Cluster) Teardown() {
	if c.Dir == "" {
		return
	}
	if c.t.Failed() {
		for _, l := range []string{"kubelet.log", "containerd.log"} {
			b, _ := os.ReadFile(filepath.Join(c.Dir, l))
			lines := strings.Split(string(b), "\n")
			c.t.Logf("last lines of %s:\n%s", l, strings.Join(lines[max(0, len(lines)-30):], "\n"))
		}
	}
	files, _ := filepath.Glob(filepath.Join(c.Manifests(), "*"))
	for _, f := range files {
		os.Remove(f)
	}
	if c.kubelet != nil {
		c.waitNoContainers(40 * time.Second)
		stop(c.kubelet)
		_, _ = c.crictl("rmp", "-fa")
	}
	c.killShims()
	if c.containerd != nil {
		stop(c.containerd)
	}
	unmountBelow(c.Dir)
	for _, p := range []string{"/run/containerd/s", "/run/containerd/fifo", "/run/containerd/runc/k8s.io"} {
		os.RemoveAll(p)
	}
	for _, p := range []string{"/run/containerd/runc", "/run/containerd"} {
		os.Remove(p) // only when empty: another containerd may use it
	}
	removeCgroups("kubepods")
	os.Remove(deviceSocket)
	if !c.hadKubeletDir {
		os.RemoveAll("/var/lib/kubelet")
	}
	os.RemoveAll(c.Dir)
	c.Dir = ""
}

func (c *Cluster) waitNoContainers(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		out, err := c.crictl("ps", "-q")
		if err != nil || strings.TrimSpace(out) == "" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// killShims kills the runc shims serving this cluster's containerd.
func (c *Cluster) killShims() {
	procs, _ := procfs.AllProcs()
	for _, p := range procs {
		cmd, _ := p.CmdLine()
		line := strings.Join(cmd, " ")
		if strings.Contains(line, "containerd-shim-runc-v2") && strings.Contains(line, c.Socket()) {
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
		}
	}
}

func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// unmountBelow detaches every mount at or below dir, deepest first (the
// kubelet bind-mounts its root directory on itself).
func unmountBelow(dir string) {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var points []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			points = append(points, f[4])
		}
	}
	sort.Slice(points, func(i, j int) bool { return len(points[i]) > len(points[j]) })
	for _, p := range points {
		_ = syscall.Unmount(p, syscall.MNT_DETACH)
	}
}

// removeCgroups removes a top-level cgroup directory from every hierarchy,
// deepest directories first.
func removeCgroups(name string) {
	tops, _ := filepath.Glob("/sys/fs/cgroup/*/" + name)
	if d := "/sys/fs/cgroup/" + name; exists(d) {
		tops = append(tops, d)
	}
	for _, top := range tops {
		var dirs []string
		filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			os.Remove(dirs[i])
		}
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
