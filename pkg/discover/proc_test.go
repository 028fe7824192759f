package discover_test

import (
	"math"
	"os"
	"testing"

	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
)

// stat is a /proc/PID/stat line with the given command and flags.
func stat(pid, comm, flags string) string {
	return pid + " (" + comm + ") S 2 0 0 0 -1 " + flags + " 0 0 0 0 0 167 0 0 20 0 1 0 20 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
}

func TestReadThreadAndCPUs(t *testing.T) {
	root := testmachine.Build(t, testmachine.Tree{
		"proc/cpuinfo":           "",
		"proc/14/stat":           stat("14", "ksoftirqd/0", "69238848"),
		"proc/38/stat":           stat("38", "khugepaged", "2129984"),
		"proc/77/stat":           stat("77", "a) b) (c", "4194304"),
		"proc/77/task/77/status": "Name:\ta) b) (c\nCpus_allowed:\t1a\nCpus_allowed_list:\t1,3-4\n",
		"proc/77/task/79/status": "Name:\tworker\nCpus_allowed_list:\t0\n",
		"proc/stat":              "cpu  10 0 10 100 0 0 0 5 0 0\ncpu0 5 0 5 50 0 0 0 0 0 0\ncpu1 5 0 5 50 0 0 0 5 0 0\nintr 1\n",
		"proc/77/task/79/stat":   stat("79", "worker", "64"),
	})
	fs, err := discover.ProcFS(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tid             int
		comm            string
		kthread, pinned bool
	}{
		{14, "ksoftirqd/0", true, true},
		{38, "khugepaged", true, false},
		{77, "a) b) (c", false, false},
	} {
		got, err := discover.ReadThread(fs, tc.tid)
		if err != nil || got.Comm != tc.comm || got.Kthread() != tc.kthread || got.Pinned() != tc.pinned {
			t.Errorf("ReadThread(%d) = %+v (kthread %v, pinned %v), %v", tc.tid, got, got.Kthread(), got.Pinned(), err)
		}
	}
	if _, err := discover.ReadThread(fs, 99); err == nil {
		t.Error("ReadThread of a missing thread gives no error")
	}
	name, cpus, err := discover.ThreadCPUs(fs, 77, 79)
	if err != nil || name != "worker" || !cpus.Equals(cpuset.New(0)) {
		t.Errorf("ThreadCPUs(77, 79) = %q %s %v", name, cpus, err)
	}
	name, cpus, err = discover.ProcessCPUs(fs, 77)
	if err != nil || name != "a) b) (c" || !cpus.Equals(cpuset.New(1, 3, 4)) {
		t.Errorf("ProcessCPUs(77) = %q %s %v", name, cpus, err)
	}
	tids, err := discover.TIDs(fs, 77)
	if err != nil || len(tids) != 2 {
		t.Errorf("TIDs(77) = %v, %v", tids, err)
	}
	times, err := discover.ReadCPUTimes(fs)
	if err != nil || len(times) != 2 || !near(times[1].Steal, 0.05) || !near(times[1].Total, 0.65) || times[0].Steal != 0 || !near(times[0].Total, 0.6) {
		t.Errorf("ReadCPUTimes = %+v, %v", times, err)
	}
}

func TestReadThreadLive(t *testing.T) {
	root, err := hostfs.New("/")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := discover.ProcFS(root)
	if err != nil {
		t.Fatal(err)
	}
	comm, _ := os.ReadFile("/proc/self/comm")
	got, err := discover.ReadThread(fs, os.Getpid())
	if err != nil || got.Comm+"\n" != string(comm) || got.Kthread() {
		t.Errorf("ReadThread(self) = %+v, %v; comm %q", got, err, comm)
	}
	var mask unix.CPUSet
	if err := unix.SchedGetaffinity(os.Getpid(), &mask); err != nil {
		t.Fatal(err)
	}
	_, cpus, err := discover.ProcessCPUs(fs, os.Getpid())
	if err != nil || cpus.Size() != mask.Count() {
		t.Errorf("ProcessCPUs(self) = %s, %v; affinity has %d cpus", cpus, err, mask.Count())
	}
	pids, err := discover.PIDs(fs)
	if err != nil || len(pids) < 2 {
		t.Errorf("PIDs = %d pids, %v", len(pids), err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
