package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnode/rtnode/internal/testmachine"
)

var rtnodeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rtnode-cli-")
	if err != nil {
		panic(err)
	}
	rtnodeBin = filepath.Join(dir, "rtnode")
	for bin, pkg := range map[string]string{rtnodeBin: ".", filepath.Join(dir, "rtbench"): "../rtbench"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			panic("build " + pkg + ": " + err.Error() + "\n" + string(out))
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the rtnode binary and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(rtnodeBin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func TestBadInputIsOneLineAndExit2(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "machine.tar.gz")
	if err := os.WriteFile(file, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a missing --root", []string{"discover", "--root", filepath.Join(dir, "nope")}, "does not exist"},
		{"a --root that is a file", []string{"discover", "--root", file}, "is not a directory"},
		{"a --root that is no capture", []string{"discover", "--root", dir}, "is not a host root or capture"},
		{"an unknown output format", []string{"discover", "-o", "yaml"}, `unknown output format "yaml"`},
		{"an unknown flag", []string{"discover", "--frobnicate"}, "unknown flag: --frobnicate"},
		{"a stray argument", []string{"discover", "extra"}, `takes no arguments, got "extra"`},
		{"an unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"snapshot without -o", []string{"snapshot"}, "-o: an output file is required"},
		{"snapshot over an existing file", []string{"snapshot", "-o", file}, "already exists"},
		{"snapshot of a bad root", []string{"snapshot", "--root", dir, "-o", filepath.Join(dir, "x.tgz")}, "is not a host root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tc.args...)
			if code != 2 {
				t.Errorf("exit code = %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "rtnode: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr = %q, want one line with %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.tgz")); err == nil {
		t.Error("a failed snapshot left its output file behind")
	}
}

func TestDiscoverCaptureJSONAndText(t *testing.T) {
	root := testmachine.Unpack(t, "hwloc-memorysidecaches")
	stdout, stderr, code := run(t, "discover", "--root", root.Dir(), "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		CPUs      string `json:"cpus"`
		NUMANodes []struct {
			CPUs string `json:"cpus"`
		} `json:"numaNodes"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("json: %v", err)
	}
	if v.CPUs != "0-79" || len(v.NUMANodes) != 4 {
		t.Errorf("cpus %q, %d nodes", v.CPUs, len(v.NUMANodes))
	}
	text, _, code := run(t, "discover", "--root", root.Dir())
	if code != 0 || !strings.Contains(text, "80 cpus online (0-79), 40 cores, 2 sockets, 4 numa nodes") {
		t.Errorf("text (exit %d):\n%s", code, text)
	}
}

func TestSnapshotThenDiscoverIt(t *testing.T) {
	if _, err := os.Stat("/sys/devices/system/cpu"); err != nil {
		t.Skip("needs a Linux /sys")
	}
	out := filepath.Join(t.TempDir(), "me.tar.gz")
	if _, stderr, code := run(t, "snapshot", "-o", out); code != 0 {
		t.Fatalf("snapshot exit %d: %s", code, stderr)
	}
	dir := t.TempDir()
	if b, err := exec.Command("tar", "-xzmf", out, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("untar: %v %s", err, b)
	}
	live, _, _ := run(t, "discover", "-o", "json")
	replayed, stderr, code := run(t, "discover", "--root", dir, "-o", "json")
	if code != 0 {
		t.Fatalf("discover snapshot exit %d: %s", code, stderr)
	}
	var a, b struct {
		CPUs  string `json:"cpus"`
		Cores []any  `json:"cores"`
		IRQs  []any  `json:"irqs"`
	}
	_ = json.Unmarshal([]byte(live), &a)
	_ = json.Unmarshal([]byte(replayed), &b)
	if a.CPUs != b.CPUs || len(a.Cores) != len(b.Cores) || len(a.IRQs) != len(b.IRQs) {
		t.Errorf("live %+v != snapshot %+v", a, b)
	}
}

func TestPlanCommand(t *testing.T) {
	root := testmachine.Unpack(t, "ghw-dual-xeon-l5640-i350-vfs")
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nmetadata: {name: ran}\nspec: {cpu: {reserved: '0-1,12-13'}, hugepages: {pages: [{size: 2Mi, count: 64, node: 1}]}}\n")
	stdout, stderr, code := run(t, "plan", "--root", root.Dir(), "--profile", good, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		Reserved  string `json:"reserved"`
		Isolated  string `json:"isolated"`
		HugePages []struct {
			Node int   `json:"node"`
			To   int64 `json:"to"`
		} `json:"hugepages"`
		BootArgs struct {
			Missing []any `json:"missing"`
		} `json:"bootArgs"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.Reserved != "0-1,12-13" || v.Isolated != "2-11,14-23" || len(v.HugePages) != 1 || v.HugePages[0].To != 64 || len(v.BootArgs.Missing) == 0 {
		t.Errorf("plan json: %s", stdout)
	}
	if out, _, code := run(t, "plan", "--root", root.Dir(), "-o", "yaml"); code != 0 || !strings.Contains(out, "reserved: 0-1,12-13") {
		t.Errorf("yaml plan (exit %d):\n%s", code, out)
	}
	if out, _, code := run(t, "plan", "--root", root.Dir()); code != 0 || !strings.Contains(out, "profile default: reserved (housekeeping) 0-1,12-13, isolated 2-11,14-23") {
		t.Errorf("text plan (exit %d):\n%s", code, out)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"a cpu the machine lacks", "apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nspec: {cpu: {reserved: '0,12,99'}}\n", "spec.cpu.reserved: cpu 99 does not exist (online: 0-23)"},
		{"a split core", "apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nspec: {cpu: {reserved: '0'}}\n", "spec.cpu.reserved: cpu 0 shares a core with cpu 12"},
		{"an unknown field", "apiVersion: rtnode.io/v1alpha1\nkind: NodeProfile\nspec: {cpus: {}}\n", "spec.cpus: unknown field"},
		{"bad YAML", "spec: [", "profile is not valid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tc.name, " ", "-")+".yaml", tc.body)
			stdout, stderr, code := run(t, "plan", "--root", root.Dir(), "--profile", p)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, p) {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit 2 and one line naming %s with %q", code, stderr, stdout, p, tc.want)
			}
		})
	}
	if _, stderr, code := run(t, "plan", "--profile", filepath.Join(dir, "missing.yaml")); code != 2 || !strings.Contains(stderr, "--profile") {
		t.Errorf("missing profile file: exit %d %q", code, stderr)
	}
	if _, stderr, code := run(t, "plan", "-o", "xml"); code != 2 || !strings.Contains(stderr, `unknown output format "xml"`) {
		t.Errorf("bad format: exit %d %q", code, stderr)
	}
}

// TestPlanWritesNothing: planning on the live host leaves every value
// discovery reads as it was (IRQ counters and free memory move by
// themselves and are not compared).
func TestPlanWritesNothing(t *testing.T) {
	if _, err := os.Stat("/proc/irq"); err != nil {
		t.Skip("needs a live /proc")
	}
	type state struct {
		Tunables json.RawMessage `json:"tunables"`
		IRQs     []struct {
			IRQ      int    `json:"irq"`
			Affinity string `json:"affinity"`
		} `json:"irqs"`
	}
	read := func() state {
		out, stderr, code := run(t, "discover", "-o", "json")
		if code != 0 {
			t.Fatalf("discover: %s", stderr)
		}
		var s state
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := read()
	if _, stderr, code := run(t, "plan"); code != 0 {
		t.Fatalf("plan: exit %d %s", code, stderr)
	}
	after := read()
	if string(before.Tunables) != string(after.Tunables) || len(before.IRQs) != len(after.IRQs) {
		t.Fatalf("plan changed the host:\nbefore %s\nafter  %s", before.Tunables, after.Tunables)
	}
	for i := range before.IRQs {
		if before.IRQs[i] != after.IRQs[i] {
			t.Errorf("irq %d affinity %s -> %s", before.IRQs[i].IRQ, before.IRQs[i].Affinity, after.IRQs[i].Affinity)
		}
	}
}
