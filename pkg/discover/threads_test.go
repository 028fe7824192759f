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
