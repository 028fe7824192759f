package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
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

// Status returns a field of the container process's /proc status.
func (ct *Container) Status(field string) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(ct.PID) + "/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Environ returns the container process's environment.
func (ct *Container) Environ() []string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(ct.PID) + "/environ")
	return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
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
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(ct.PID) + "/cgroup")
	for _, l := range strings.Split(string(b), "\n") {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) == 3 && slices.Contains(strings.Split(parts[1], ","), controller) {
			v, _ := os.ReadFile(filepath.Join("/sys/fs/cgroup", parts[1], parts[2], file))
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
