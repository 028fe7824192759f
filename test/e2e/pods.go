package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/procfs"

	"github.com/rtnode/rtnode/pkg/discover"
)

// Container is a running container of a static pod.
type Container struct {
	c   *Cluster
	ID  string
	PID int
}

// RunStaticPod writes a static pod manifest and waits until its container
// named name runs.
func (c *Cluster) RunStaticPod(file, manifest, name string) *Container {
	c.t.Helper()
	must(c.t, os.WriteFile(filepath.Join(c.Manifests(), file), []byte(manifest), 0o644))
	var ct Container
	waitFor(c.t, "container "+name, 60*time.Second, func() bool {
		out, err := c.crictl("ps", "-q", "--name", name, "--state", "Running")
		if err != nil || strings.TrimSpace(out) == "" {
			return false
		}
		ct = Container{c: c, ID: strings.Fields(out)[0]}
		return true
	})
	out, err := c.crictl("inspect", ct.ID)
	must(c.t, err)
	var info struct {
		Info struct {
			Pid int `json:"pid"`
		} `json:"info"`
	}
	must(c.t, json.Unmarshal([]byte(out), &info))
	ct.PID = info.Info.Pid
	return &ct
}

func (c *Cluster) crictl(args ...string) (string, error) {
	out, err := exec.Command(c.path("crictl", crictlVersion, "crictl"), append([]string{"-r", "unix://" + c.Socket()}, args...)...).Output()
	return string(out), err
}

// AllowedCPUs returns the CPUs the container's process may run on (its
// Cpus_allowed_list).
func (ct *Container) AllowedCPUs() string {
	_, cpus, err := discover.ProcessCPUs(ct.proc(), ct.PID)
	if err != nil {
		return ""
	}
	return cpus.String()
}

// proc is the host's /proc.
func (ct *Container) proc() procfs.FS {
	fs, err := procfs.NewDefaultFS()
	must(ct.c.t, err)
	return fs
}

// Annotations returns the annotations of the container's OCI spec.
func (ct *Container) Annotations() map[string]string {
	b, err := os.ReadFile(filepath.Join(ct.c.Dir, "state", "io.containerd.runtime.v2.task", "k8s.io", ct.ID, "config.json"))
	must(ct.c.t, err)
	var spec struct {
		Annotations map[string]string `json:"annotations"`
	}
	must(ct.c.t, json.Unmarshal(b, &spec))
	return spec.Annotations
}

// CgroupFile reads a file of the container's cgroup in a v1 controller.
func (ct *Container) CgroupFile(controller, file string) string {
	p, err := ct.proc().Proc(ct.PID)
	if err != nil {
		return ""
	}
	groups, _ := p.Cgroups()
	for _, g := range groups {
		if slices.Contains(g.Controllers, controller) {
			v, _ := os.ReadFile(filepath.Join("/sys/fs/cgroup", strings.Join(g.Controllers, ","), g.Path, file))
			return strings.TrimSpace(string(v))
		}
	}
	return ""
}

// PodStatus is a pod's phase, reason and message from the kubelet's
// read-only API.
type PodStatus struct{ Phase, Reason, Message string }

// PodStatus returns the status of the static pod name (the kubelet appends
// the node name).
func (c *Cluster) PodStatus(name string) (PodStatus, bool) {
	resp, err := http.Get("http://127.0.0.1:10255/pods")
	if err != nil {
		return PodStatus{}, false
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			Metadata struct{ Name string } `json:"metadata"`
			Status   PodStatus             `json:"status"`
		} `json:"items"`
	}
	if json.NewDecoder(resp.Body).Decode(&list) != nil {
		return PodStatus{}, false
	}
	for _, p := range list.Items {
		if p.Metadata.Name == name+"-e2e-node" {
			return p.Status, true
		}
	}
	return PodStatus{}, false
}
