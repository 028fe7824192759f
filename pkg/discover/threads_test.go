package discover_test

import (
	"testing"

	"github.com/rtnode/rtnode/pkg/discover"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		in              string
		pid             int
		comm            string
		kthread, pinned bool
		bad             bool
	}{
		{in: "1 (process_api) S 0 1 1 0 -1 4194560 100 0", pid: 1, comm: "process_api"},
		{in: "15 (ksoftirqd/0) S 2 0 0 0 -1 69238848 0 0", pid: 15, comm: "ksoftirqd/0", kthread: true, pinned: true},
		{in: "38 (khugepaged) S 2 0 0 0 -1 2129984 0 0", pid: 38, comm: "khugepaged", kthread: true},
		{in: "77 (a) b) (c) R 1 77 77 0 -1 4194304 0 0", pid: 77, comm: "a) b) (c"},
		{in: "x (y) S 1", bad: true},
		{in: "5 no parens", bad: true},
		{in: "5 (short) S 1 2", bad: true},
	} {
		got, err := discover.ParseStat(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("ParseStat(%q) error %v", tc.in, err)
			continue
		}
		if !tc.bad && (got.PID != tc.pid || got.Comm != tc.comm || got.Kthread() != tc.kthread || got.Pinned() != tc.pinned) {
			t.Errorf("ParseStat(%q) = %+v kthread=%v pinned=%v", tc.in, got, got.Kthread(), got.Pinned())
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add("15 (ksoftirqd/0) S 2 0 0 0 -1 69238848 0 0")
	f.Add("77 (a) b) (c) R 1 77 77 0 -1 4194304 0 0")
	f.Add("(")
	f.Fuzz(func(t *testing.T, s string) { _, _ = discover.ParseStat(s) })
}

func TestParseCPUTimes(t *testing.T) {
	got := discover.ParseCPUTimes("cpu  10 0 10 100 0 0 0 5 0 0\ncpu0 5 0 5 50 0 0 0 0 0 0\ncpu1 5 0 5 50 0 0 0 5 0 0\nintr 1\n")
	if len(got) != 2 || got[1].Steal != 5 || got[1].Total != 65 || got[0].Steal != 0 || got[0].Total != 60 {
		t.Errorf("ParseCPUTimes = %+v", got)
	}
	if v := discover.StatusField("Name:\tsleep\nCpus_allowed_list:\t1\n", "Cpus_allowed_list"); v != "1" {
		t.Errorf("StatusField = %q", v)
	}
}
