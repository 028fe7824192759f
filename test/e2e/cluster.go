// Package e2e starts real node components — containerd with NRI, runc and
// a standalone kubelet with the static CPU manager — in a private
// directory, runs static pods on them, and tears everything down: daemons
// by PID, mounts, sockets and cgroup directories, also when a test fails.
// The binaries come from test/e2e/provision.sh (make e2e-provision).
package e2e

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Pinned versions; provision.sh builds the same.
const (
	containerdVersion = "v2.4.2"
	crictlVersion     = "v1.37.0"
	kubeletVersion    = "v1.37.2"
	pauseImage        = "rtnode.test/pause:1"
	busyboxImage      = "rtnode.test/busybox:1"
	// deviceSocket is where kubelet always serves device-plugin
	// registration; --root-dir does not move it.
	deviceSocket = "/var/lib/kubelet/device-plugins/kubelet.sock"
)

// Cluster is one node's running components.
type Cluster struct {
	t          *testing.T
	Dir        string
	bin        string
	containerd *exec.Cmd
	kubelet    *exec.Cmd
	// hadKubeletDir tells whether /var/lib/kubelet (where the kubelet
	// always puts its device-plugin socket) existed before Start.
	hadKubeletDir bool
}

// Socket is containerd's CRI socket.
func (c *Cluster) Socket() string { return filepath.Join(c.Dir, "containerd.sock") }

// Manifests is the kubelet's static pod directory.
func (c *Cluster) Manifests() string { return filepath.Join(c.Dir, "manifests") }

func binDir(t *testing.T) string {
	cache := os.Getenv("RTNODE_E2E_CACHE")
	if cache == "" {
		_, file, _, _ := runtime.Caller(0)
		cache = filepath.Join(filepath.Dir(file), "..", "..", ".cache", "e2e")
	}
	return cache
}

func (c *Cluster) path(name, version, bin string) string {
	return filepath.Join(c.bin, name+"-"+version, bin)
}

// Start provisions a private directory, starts containerd, imports the
// test images, starts the kubelet and waits until it is healthy. Teardown
// is registered with t.Cleanup.
func Start(t *testing.T) *Cluster {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: it runs containerd and a kubelet")
	}
	c := &Cluster{t: t, bin: binDir(t), hadKubeletDir: exists("/var/lib/kubelet")}
	for _, b := range []string{c.path("containerd", containerdVersion, "containerd"), c.path("crictl", crictlVersion, "crictl"), c.path("kubelet", kubeletVersion, "kubelet")} {
		if _, err := os.Stat(b); err != nil {
			t.Skipf("%s is not provisioned: run make e2e-provision", b)
		}
	}
	dir, err := os.MkdirTemp("", "rtnode-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	c.Dir = dir
	t.Cleanup(c.Teardown)
	for _, d := range []string{"manifests", "kubelet", "images"} {
		must(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	c.startContainerd()
	c.importImages()
	c.startKubelet()
	return c
}

func (c *Cluster) startContainerd() {
	t := c.t
	def, err := exec.Command(c.path("containerd", containerdVersion, "containerd"), "config", "default").Output()
	must(t, err)
	cfg := containerdConfig(string(def), c.Dir)
	must(t, os.WriteFile(filepath.Join(c.Dir, "containerd.toml"), []byte(cfg), 0o644))
	c.containerd = c.daemon("containerd", c.path("containerd", containerdVersion, "containerd"), "--config", filepath.Join(c.Dir, "containerd.toml"))
	waitFor(t, "containerd socket", 20*time.Second, func() bool { _, err := os.Stat(c.Socket()); return err == nil })
}

// containerdConfig edits containerd's default configuration: private root,
// state and sockets, the local pause image, restrict_oom_score_adj (this
// machine cannot lower oom_score_adj), pod annotations for rtnode and
// CRI-O keys into the OCI spec, NRI on a private socket, Debian's runc.
func containerdConfig(def, dir string) string {
	r := strings.NewReplacer(
		"root = '/var/lib/containerd'", "root = '"+filepath.Join(dir, "root")+"'",
		"state = '/run/containerd'", "state = '"+filepath.Join(dir, "state")+"'",
		"address = '/run/containerd/containerd.sock'", "address = '"+filepath.Join(dir, "containerd.sock")+"'",
		"address = '/run/containerd/containerd.sock.ttrpc'", "address = '"+filepath.Join(dir, "containerd.sock.ttrpc")+"'",
		"registry.k8s.io/pause:3.10.2", pauseImage,
		"restrict_oom_score_adj = false", "restrict_oom_score_adj = true",
		"pod_annotations = []", "pod_annotations = ['rtnode.io/*', '*.crio.io']",
		"socket_path = '/var/run/nri/nri.sock'", "socket_path = '"+filepath.Join(dir, "nri.sock")+"'",
		"BinaryName = ''", "BinaryName = '/usr/sbin/runc'",
	)
	return r.Replace(def)
}

func (c *Cluster) importImages() {
	for _, img := range []struct {
		tag string
		cmd []string
	}{{pauseImage, []string{"/bin/sleep", "2147483647"}}, {busyboxImage, []string{"/bin/sh"}}} {
		tar := filepath.Join(c.Dir, "images", strings.NewReplacer("/", "_", ":", "_").Replace(img.tag)+".tar")
		must(c.t, BuildImage(tar, img.tag, img.cmd))
		out, err := exec.Command(c.path("containerd", containerdVersion, "ctr"), "-a", c.Socket(), "-n", "k8s.io", "images", "import", tar).CombinedOutput()
		if err != nil {
			c.t.Fatalf("import %s: %v\n%s", img.tag, err, out)
		}
	}
}

func (c *Cluster) startKubelet() {
	t := c.t
	cfg := fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
staticPodPath: %s
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
cpuManagerPolicy: static
reservedSystemCPUs: "0"
topologyManagerPolicy: single-numa-node
containerRuntimeEndpoint: unix://%s
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
readOnlyPort: 10255
healthzPort: 10248
address: 127.0.0.1
resolvConf: ""
enforceNodeAllocatable: []
fileCheckFrequency: 1s
syncFrequency: 2s
`, c.Manifests(), c.Socket())
	must(t, os.WriteFile(filepath.Join(c.Dir, "kubelet.yaml"), []byte(cfg), 0o644))
	_ = os.Remove(deviceSocket)
	c.kubelet = c.daemon("kubelet", c.path("kubelet", kubeletVersion, "kubelet"), "--config", filepath.Join(c.Dir, "kubelet.yaml"),
		"--root-dir", filepath.Join(c.Dir, "kubelet"), "--cert-dir", filepath.Join(c.Dir, "pki"), "--hostname-override", "e2e-node")
	waitFor(t, "kubelet healthz", 60*time.Second, func() bool {
		resp, err := http.Get("http://127.0.0.1:10248/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// daemon starts a long-running process logging into the cluster directory.
func (c *Cluster) daemon(name, bin string, args ...string) *exec.Cmd {
	log, err := os.Create(filepath.Join(c.Dir, name+".log"))
	must(c.t, err)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	return cmd
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
