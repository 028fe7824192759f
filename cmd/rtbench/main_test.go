package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var rtbenchBin, rtnodeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rtbench-test-")
	if err != nil {
		panic(err)
	}
	rtbenchBin, rtnodeBin = filepath.Join(dir, "rtbench"), filepath.Join(dir, "rtnode")
	for bin, pkg := range map[string]string{rtbenchBin: ".", rtnodeBin: "../rtnode"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			panic(string(out))
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func runBin(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func needRT(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: SCHED_FIFO measurement threads and mlockall")
	}
}

type jsonRun struct {
	ReturnCode int `json:"return_code"`
	Tuned      bool
	Thread     map[string]struct {
		Histogram map[string]uint64 `json:"histogram"`
		Cycles    uint64            `json:"cycles"`
		CPU       int               `json:"cpu"`
		P99       float64           `json:"p99"`
		Max       float64           `json:"max"`
	} `json:"thread"`
}

func TestMeasureAndJudgeLive(t *testing.T) {
	needRT(t)
	dir := t.TempDir()
	js, base := filepath.Join(dir, "run.json"), filepath.Join(dir, "base.json")
	out, stderr, code := runBin(t, rtbenchBin, "-a", "1", "-i", "500", "-D", "2", "-m", "-q", "--json", js, "--save-baseline", base, "--report", filepath.Join(dir, "r.html"), "--p99", "10s")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	var r jsonRun
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	th := r.Thread["0"]
	if th.CPU != 1 || th.Cycles < 3500 || th.Cycles > 4001 || len(th.Histogram) == 0 || th.P99 <= 0 {
		t.Errorf("json thread: %+v", th)
	}
	if !strings.Contains(out, "p99.99") || !strings.Contains(out, "   1 ") {
		t.Errorf("summary:\n%s", out)
	}
	if out, _, code := runBin(t, rtbenchBin, "-a", "1", "-i", "500", "-l", "500", "-q", "--p99", "1us"); code != 1 || !strings.Contains(out, "FAIL: p99 of cpu 1 is") {
		t.Errorf("a missed target: exit %d\n%s", code, out)
	}
	out, _, code = runBin(t, rtbenchBin, "-a", "1", "-i", "500", "-D", "2", "-q", "--baseline", base)
	if code != 0 && code != 3 && !(code == 1 && strings.Contains(out, "regression")) {
		t.Errorf("baseline comparison: exit %d\n%s", code, out)
	}
	if code == 0 && !strings.Contains(out, "OK: no p99/p99.9 regression") || code == 3 && !strings.Contains(out, "refusing to judge") {
		t.Errorf("verdict line missing (exit %d):\n%s", code, out)
	}
}

// TestOwnLoadWorkers runs the built-in load with rtbench's own workers
// (stress-ng hidden from PATH) on cpu 0 while cpu 1 is measured.
func TestOwnLoadWorkers(t *testing.T) {
	needRT(t)
	t.Setenv("PATH", "/nonexistent")
	out, stderr, code := runBin(t, rtbenchBin, "-a", "1", "-i", "500", "-D", "2", "-q", "--load", "cpu", "--load", "memory", "--load", "io")
	if code != 0 || !strings.Contains(out, "load cpu:1,memory:1,io:1") {
		t.Errorf("exit %d %s:\n%s", code, stderr, out)
	}
	if ps, _ := exec.Command("/usr/bin/pgrep", "-f", workerArg).Output(); len(ps) > 0 {
		t.Errorf("load workers left running: %s", ps)
	}
}

// TestMeasureOnTunedHost applies rtnode's default profile, measures the
// isolated cpu by default, and reverts.
func TestMeasureOnTunedHost(t *testing.T) {
	needRT(t)
	if ch, _ := filepath.Glob("/sys/fs/cgroup/cpuset/*/"); len(ch) > 0 {
		t.Skipf("the cpuset hierarchy has children %v", ch)
	}
	state := filepath.Join(t.TempDir(), "state")
	if _, stderr, code := runBin(t, rtnodeBin, "apply", "--state-dir", state); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	t.Cleanup(func() {
		if _, stderr, code := runBin(t, rtnodeBin, "revert", "--state-dir", state); code != 0 {
			t.Errorf("revert: %s", stderr)
		}
	})
	js := filepath.Join(t.TempDir(), "t.json")
	out, stderr, code := runBin(t, rtbenchBin, "-i", "500", "-D", "2", "-q", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d %s\n%s", code, stderr, out)
	}
	var r jsonRun
	b, _ := os.ReadFile(js)
	_ = json.Unmarshal(b, &r)
	if !r.Tuned || len(r.Thread) != 1 || r.Thread["0"].CPU != 1 {
		t.Errorf("on the tuned host rtbench measured %+v (tuned %v)", r.Thread, r.Tuned)
	}
	if _, stderr, code := runBin(t, rtbenchBin, "-a", "0-1", "-D", "1", "-q"); code != 0 {
		t.Errorf("measuring a housekeeping and an isolated cpu together: exit %d %s", code, stderr)
	}
}
