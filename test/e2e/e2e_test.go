package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// One cluster serves the scenarios; scenario 4 checks the teardown.

func guaranteedPod(name, extraAnnotations, resources string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  namespace: default
  annotations:
    rtnode.io/isolated-cpus: "true"
    rtnode.io/irq-load-balancing: disable
    cpu-quota.crio.io: disable
` + extraAnnotations + `spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 0
  containers:
  - name: app
    image: ` + busyboxImage + `
    imagePullPolicy: Never
    command: ["/bin/sleep", "3600"]
    resources:
` + resources
}

const oneCPU = `      requests: {cpu: "1", memory: 32Mi}
      limits: {cpu: "1", memory: 32Mi}
`

func TestScenarios(t *testing.T) {
	c := Start(t)
	nri := c.StartNRIRecorder(t)
	t.Run("a Guaranteed pod with cpu 1 runs on exclusive cpu 1 with CFS quota off", func(t *testing.T) {
		ct := c.RunStaticPod("guaranteed.yaml", guaranteedPod("guaranteed", "", oneCPU), "app")
		if got := ct.AllowedCPUs(); got != "1" {
			t.Errorf("Cpus_allowed_list = %q, want 1", got)
		}
		if got := ct.CgroupFile("cpu", "cpu.cfs_quota_us"); got != "-1" {
			t.Errorf("cpu.cfs_quota_us = %q, want -1", got)
		}
		t.Run("pod annotations reach the OCI spec and an NRI plugin", func(t *testing.T) {
			ann := ct.Annotations()
			seen, ok := nri.Annotations("guaranteed-e2e-node", "app")
			if !ok {
				t.Fatal("the NRI plugin saw no CreateContainer for guaranteed/app")
			}
			for _, k := range []string{"rtnode.io/isolated-cpus", "rtnode.io/irq-load-balancing", "cpu-quota.crio.io"} {
				if _, ok := ann[k]; !ok {
					t.Errorf("OCI annotations lack %s: %v", k, ann)
				}
				if seen[k] == "" {
					t.Errorf("the NRI plugin did not see %s: %v", k, seen)
				}
			}
		})
		os.Remove(filepath.Join(c.Manifests(), "guaranteed.yaml"))
		c.waitNoContainers(30 * time.Second)
	})
	t.Run("a pod asking for rtnode.io/isolcpus is rejected while no device plugin serves it", func(t *testing.T) {
		// A kubelet that never heard of the resource drops it from the
		// request (it may belong to a scheduler extender); one that knows it
		// and has no plugin serving it must reject the pod.
		p := StartTestPlugin(t, "rtnode.io/isolcpus")
		time.Sleep(2 * time.Second)
		p.Stop()
		time.Sleep(time.Second)
		res := `      requests: {cpu: "1", memory: 32Mi, rtnode.io/isolcpus: "1"}
      limits: {cpu: "1", memory: 32Mi, rtnode.io/isolcpus: "1"}
`
		if err := os.WriteFile(filepath.Join(c.Manifests(), "isolcpus.yaml"), []byte(guaranteedPod("isolcpus", "", res)), 0o644); err != nil {
			t.Fatal(err)
		}
		var st PodStatus
		waitFor(t, "admission verdict", 60*time.Second, func() bool {
			s, ok := c.PodStatus("isolcpus")
			st = s
			return ok && s.Phase == "Failed"
		})
		if st.Reason != "UnexpectedAdmissionError" || !strings.Contains(st.Message, "rtnode.io/isolcpus") {
			t.Errorf("status %+v, want UnexpectedAdmissionError naming rtnode.io/isolcpus", st)
		}
	})
}

// TestTeardownLeavesNothing starts and tears down a cluster, then checks no
// daemon, mount, socket or cgroup directory of it remains.
func TestTeardownLeavesNothing(t *testing.T) {
	c := Start(t)
	c.RunStaticPod("p.yaml", guaranteedPod("p", "", oneCPU), "app")
	dir := c.Dir
	c.Teardown()
	if !c.hadKubeletDir && exists("/var/lib/kubelet") {
		t.Error("/var/lib/kubelet remains")
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mounts), dir) {
		t.Errorf("mounts below %s remain", dir)
	}
	for _, p := range []string{dir, deviceSocket, "/sys/fs/cgroup/cpuset/kubepods", "/sys/fs/cgroup/cpu/kubepods", "/sys/fs/cgroup/memory/kubepods", "/run/containerd/s"} {
		if exists(p) {
			t.Errorf("%s remains", p)
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), dir) {
			t.Errorf("a process of the cluster remains: %s", strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
}
