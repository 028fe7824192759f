package main_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtnode/rtnode/internal/testmachine"
)

// liveProfile exercises every knob this VM exposes: cpusets and task
// moves, kthreads, IRQs, default affinity, workqueue masks, sysctls (one
// override), THP and 2 MiB hugepages on node 0.
const liveProfile = `apiVersion: rtnode.io/v1alpha1
kind: NodeProfile
metadata: {name: live-test}
spec:
  hugepages: {pages: [{size: 2Mi, count: 16, node: 0}]}
  sysctl: {vm.swappiness: "11"}
`

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: it changes IRQ affinity, cpusets, sysctls and hugepages of this host")
	}
	if _, err := os.Stat("/sys/fs/cgroup/cpuset/cpuset.cpus"); err != nil {
		t.Skip("needs the cgroup v1 cpuset hierarchy at /sys/fs/cgroup/cpuset (this VM's layout)")
	}
	if ch, _ := filepath.Glob("/sys/fs/cgroup/cpuset/*/"); len(ch) > 0 {
		t.Skipf("the cpuset hierarchy has children %v: another tuner or a kubelet runs here", ch)
	}
}

// liveSetup writes the profile, picks a state directory, and makes sure
// the host is reverted when the test ends, passed or not.
func liveSetup(t *testing.T) (profile, state string, before testmachine.LiveState) {
	requireRoot(t)
	dir := t.TempDir()
	profile = filepath.Join(dir, "live.yaml")
	if err := os.WriteFile(profile, []byte(liveProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	state = filepath.Join(dir, "state")
	before = testmachine.CaptureLive(t)
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(state, "journal.jsonl")); err == nil {
			if out, stderr, code := run(t, "revert", "--state-dir", state); code != 0 {
				t.Errorf("clean-up revert failed (exit %d): %s %s", code, out, stderr)
			}
		}
		if diff := before.Diff(testmachine.CaptureLive(t)); len(diff) > 0 {
			t.Errorf("host not as it was after the test:\n%s", strings.Join(diff, "\n"))
		}
	})
	return profile, state, before
}

func TestApplyRevertLive(t *testing.T) {
	profile, state, before := liveSetup(t)
	out, stderr, code := run(t, "apply", "--profile", profile, "--state-dir", state)
	if code != 0 {
		t.Fatalf("apply exit %d:\n%s\n%s", code, out, stderr)
	}
	after := testmachine.CaptureLive(t)
	for file, want := range map[string]string{
		"/proc/sys/kernel/timer_migration": "0\n", "/proc/sys/vm/stat_interval": "10\n", "/proc/sys/vm/swappiness": "11\n",
		"/proc/sys/kernel/sched_rt_runtime_us": "-1\n", "/sys/kernel/mm/transparent_hugepage/enabled": "always madvise [never]\n",
		"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages": "16\n",
		"/proc/irq/default_smp_affinity":                                         "1\n", "/sys/devices/virtual/workqueue/cpumask": "1\n",
		"/sys/fs/cgroup/cpuset/cpuset.sched_load_balance": "0\n",
	} {
		if got := after[file]; got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}
	if cpus, _ := os.ReadFile("/sys/fs/cgroup/cpuset/rtnode-isolated/cpuset.cpus"); strings.TrimSpace(string(cpus)) != "1" {
		t.Errorf("isolated cpuset holds %q", cpus)
	}
	if status, _ := os.ReadFile("/proc/self/status"); !strings.Contains(string(status), "Cpus_allowed_list:\t0\n") {
		t.Errorf("the test process itself was not moved to the housekeeping cpu 0:\n%s", status)
	}
	for k, v := range after {
		if strings.HasPrefix(k, "/proc/irq/") && strings.HasSuffix(k, "smp_affinity_list") && v != "0\n" && !strings.Contains(out, k) {
			t.Errorf("%s = %q: neither moved nor reported as refused", k, v)
		}
	}
	again, _, code := run(t, "apply", "--profile", profile, "--state-dir", state)
	if code != 0 || !strings.HasPrefix(again, "changed 0:") {
		t.Errorf("second apply (exit %d) changed something:\n%s", code, again)
	}
	if out, stderr, code := run(t, "revert", "--state-dir", state); code != 0 {
		t.Fatalf("revert exit %d:\n%s\n%s", code, out, stderr)
	}
	if diff := before.Diff(testmachine.CaptureLive(t)); len(diff) > 0 {
		t.Errorf("revert left differences:\n%s", strings.Join(diff, "\n"))
	}
}

// TestApplyCrashThenRevert kills apply with SIGKILL after N host writes,
// for N across the whole apply, and checks that revert restores the host
// exactly each time; some crashes are followed by a completing apply first.
func TestApplyCrashThenRevert(t *testing.T) {
	profile, state, before := liveSetup(t)
	points := []int{1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 21, 26, 30, 34, 38, 42, 47, 60, 100, 200}
	for i, n := range points {
		cmd := exec.Command(rtnodeBin, "apply", "--profile", profile, "--state-dir", state)
		cmd.Env = append(os.Environ(), "RTNODE_TEST_CRASH_AFTER="+strconv.Itoa(n))
		err := cmd.Run()
		var ee *exec.ExitError
		killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()
		if !killed && err != nil {
			t.Fatalf("crash point %d: apply failed without being killed: %v", n, err)
		}
		if !killed {
			t.Logf("apply finished before %d writes", n)
		}
		if i%3 == 2 {
			if out, stderr, code := run(t, "apply", "--profile", profile, "--state-dir", state); code != 0 {
				t.Fatalf("crash point %d: completing apply exit %d: %s %s", n, code, out, stderr)
			}
		}
		if out, stderr, code := run(t, "revert", "--state-dir", state); code != 0 {
			t.Fatalf("crash point %d: revert exit %d:\n%s\n%s", n, code, out, stderr)
		}
		if diff := before.Diff(testmachine.CaptureLive(t)); len(diff) > 0 {
			t.Fatalf("crash point %d: revert left differences:\n%s", n, strings.Join(diff, "\n"))
		}
		if !killed {
			break
		}
	}
}

// TestAuditExecLive: audit flags an untuned host and a drifted IRQ on a
// tuned one; exec runs a program on isolated cpus only when they are
// isolated and free.
func TestAuditExecLive(t *testing.T) {
	profile, state, _ := liveSetup(t)
	if out, _, code := run(t, "exec", "--cpus", "1", "--", "true"); code != 2 || out != "" {
		t.Errorf("exec on an untuned host: exit %d, want 2", code)
	}
	out, _, code := run(t, "audit", "--profile", profile, "--steal-window", "0", "-o", "json")
	var rep struct {
		Clean    bool `json:"clean"`
		Findings []struct{ Check, Severity, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.Clean {
		t.Fatalf("audit of the untuned host: exit %d, %v:\n%s", code, err, out)
	}
	if !hasFinding(rep.Findings, "isolation", "not isolated at runtime") {
		t.Errorf("untuned audit lacks the isolation finding:\n%s", out)
	}
	if !hasFinding(rep.Findings, "tasks-on-isolated", "may run on isolated cpus 1") {
		t.Errorf("untuned audit lacks the tasks-on-isolated finding:\n%s", out)
	}
	if _, stderr, code := run(t, "apply", "--profile", profile, "--state-dir", state); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	clean, _, _ := run(t, "audit", "--profile", profile, "--steal-window", "0")
	for _, bad := range []string{"isolation", "drift", "irq-affinity", "tasks-on-isolated"} {
		if strings.Contains(clean, bad) {
			t.Errorf("audit of the tuned host still reports %s:\n%s", bad, clean)
		}
	}
	irq := movableIRQ(t, clean)
	if err := os.WriteFile(irq, []byte("0-1"), 0o644); err != nil {
		t.Fatal(err)
	}
	drifted, _, code := run(t, "audit", "--profile", profile, "--steal-window", "0")
	if code != 1 || !strings.Contains(drifted, irq+" is 0-1, the profile wants 0") {
		t.Errorf("audit missed the drifted %s (exit %d):\n%s", irq, code, drifted)
	}
	status, stderr, code := run(t, "exec", "--cpus", "1", "--", "cat", "/proc/self/status", "/proc/self/cpuset")
	if code != 0 || !strings.Contains(status, "Cpus_allowed_list:\t1\n") || !strings.Contains(status, "/rtnode-isolated") {
		t.Errorf("exec --cpus 1 (exit %d %s):\n%s", code, stderr, status)
	}
	if _, stderr, code := run(t, "exec", "--cpus", "0", "--", "true"); code != 2 || !strings.Contains(stderr, "cpus 0 are not isolated (isolated: 1)") {
		t.Errorf("exec on a housekeeping cpu: exit %d %q", code, stderr)
	}
	busy := exec.Command(rtnodeBin, "exec", "--", "sleep", "30")
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Process.Kill(); _ = busy.Wait() }()
	waitInIsolated(t, busy.Process.Pid)
	if _, stderr, code := run(t, "exec", "--cpus", "1", "--", "true"); code != 2 || !strings.Contains(stderr, "are not free") {
		t.Errorf("exec on a busy cpu: exit %d %q", code, stderr)
	}
}

func hasFinding(fs []struct{ Check, Severity, Message string }, check, text string) bool {
	for _, f := range fs {
		if f.Check == check && strings.Contains(f.Message, text) {
			return true
		}
	}
	return false
}

// movableIRQ picks an IRQ the apply moved to cpu 0 (one the audit does
// not report on isolated cpus).
func movableIRQ(t *testing.T, audit string) string {
	files, _ := filepath.Glob("/proc/irq/*/smp_affinity_list")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		n := filepath.Base(filepath.Dir(f))
		if string(b) == "0\n" && !strings.Contains(audit, "irq "+n+" ") {
			return f
		}
	}
	t.Skip("no movable irq on this host")
	return ""
}

func waitInIsolated(t *testing.T, pid int) {
	for i := 0; i < 100; i++ {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cpuset")
		if strings.Contains(string(b), "rtnode-isolated") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pid %d never entered the isolated cpuset", pid)
}

// TestIRQBalanceDetected runs a process named irqbalance (a copy of sleep:
// only its name and environment matter to rtnode) and checks that apply
// and audit say it undoes IRQ isolation unless it bans the isolated cpus.
func TestIRQBalanceDetected(t *testing.T) {
	profile, state, _ := liveSetup(t)
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("needs sleep")
	}
	fake := filepath.Join(t.TempDir(), "irqbalance")
	b, _ := os.ReadFile(sleep)
	if err := os.WriteFile(fake, b, 0o755); err != nil {
		t.Fatal(err)
	}
	start := func(env ...string) *exec.Cmd {
		cmd := exec.Command(fake, "30")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		time.Sleep(50 * time.Millisecond)
		return cmd
	}
	ib := start()
	out, _, code := run(t, "apply", "--profile", profile, "--state-dir", state)
	if code != 0 || !strings.Contains(out, "irqbalance (pid "+strconv.Itoa(ib.Process.Pid)+") runs without IRQBALANCE_BANNED_CPULIST=1") {
		t.Errorf("apply (exit %d) does not warn about irqbalance:\n%s", code, out)
	}
	audit, _, _ := run(t, "audit", "--profile", profile, "--steal-window", "0")
	if !strings.Contains(audit, "irqbalance") {
		t.Errorf("audit misses irqbalance:\n%s", audit)
	}
	_ = ib.Process.Kill()
	_ = ib.Wait()
	start("IRQBALANCE_BANNED_CPULIST=1")
	if audit, _, _ := run(t, "audit", "--profile", profile, "--steal-window", "0"); strings.Contains(audit, "irqbalance") {
		t.Errorf("audit reports an irqbalance that bans the isolated cpus:\n%s", audit)
	}
}

// TestSecondStateDirRefused: a host tuned with one state directory is not
// re-tuned with another (its journal would record tuned values as
// originals).
func TestSecondStateDirRefused(t *testing.T) {
	profile, state, _ := liveSetup(t)
	if _, stderr, code := run(t, "apply", "--profile", profile, "--state-dir", state); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	other := filepath.Join(t.TempDir(), "other")
	_, stderr, code := run(t, "apply", "--profile", profile, "--state-dir", other)
	if code != 1 || !strings.Contains(stderr, "another rtnode state directory tuned this host") {
		t.Errorf("second state dir: exit %d %q", code, stderr)
	}
}

// TestDemoLive is make run's job, short: measure, apply, measure, revert,
// print the before/after table; the host ends as it began.
func TestDemoLive(t *testing.T) {
	_, state, _ := liveSetup(t)
	out, stderr, code := run(t, "demo", "--duration", "1s", "--state-dir", state)
	if code != 0 {
		t.Fatalf("demo exit %d: %s\n%s", code, stderr, out)
	}
	for _, want := range []string{"1/3 untuned", "2/3 rtnode apply", "3/3 tuned", "tuned (isolated cpus)", "rtnode revert: the host is as it was", "before/after", "p99 ×"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if _, stderr, code := run(t, "demo", "--duration", "10ms"); code != 2 || !strings.Contains(stderr, "--duration 10ms: must be at least 1s") {
		t.Errorf("short demo: exit %d %q", code, stderr)
	}
}
