package topology_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func TestParseCPUList(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "0-3,8,10-11\n", want: "0-3,8,10-11"},
		{in: "  ", want: ""},
		{in: "(null)", want: ""},
		{in: "5", want: "5"},
		{in: "3-1", bad: true},
		{in: "a", bad: true},
		{in: "1,,2", bad: true},
		{in: "0-70000", bad: true},
	} {
		got, err := topology.ParseCPUList(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("topology.ParseCPUList(%q) error = %v, want error %v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad {
			eq(t, "topology.ParseCPUList("+tc.in+")", got.String(), tc.want)
		}
	}
}

func TestParseCPUMask(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "f", want: "0-3"},
		{in: "00000000,00000001\n", want: "0"},
		{in: "00000001,00000000", want: "32"},
		{in: "0000,000000ff,ffffffff", want: "0-39"},
		{in: "0x3", want: "0-1"},
		{in: "", bad: true},
		{in: "1,,2", bad: true},
		{in: "123456789", bad: true},
		{in: "xyz", bad: true},
	} {
		got, err := topology.ParseCPUMask(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("topology.ParseCPUMask(%q) error = %v, want error %v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad {
			eq(t, "topology.ParseCPUMask("+tc.in+")", got.String(), tc.want)
		}
	}
	eq(t, "FormatCPUMask", topology.FormatCPUMask(cpuset.New(0, 33)), "00000002,00000001")
	eq(t, "FormatCPUMask empty", topology.FormatCPUMask(cpuset.New()), "00000000")
}

func FuzzParseCPUList(f *testing.F) {
	for _, s := range []string{"0-3,8", "", "(null)", "0", "1-2,4-5\n", "3-1", "0-65535"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := topology.ParseCPUList(s)
		if err != nil {
			return
		}
		again, err := topology.ParseCPUList(set.String())
		if err != nil || !again.Equals(set) {
			t.Fatalf("cpulist %q -> %q does not round-trip: %v", s, set.String(), err)
		}
	})
}

func FuzzParseCPUMask(f *testing.F) {
	for _, s := range []string{"f", "00000000,00000001", "0000,000000ff,ffffffff", "0x3", "", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := topology.ParseCPUMask(s)
		if err != nil {
			return
		}
		again, err := topology.ParseCPUMask(topology.FormatCPUMask(set))
		if err != nil || !again.Equals(set) {
			t.Fatalf("mask %q -> %s does not round-trip: %v", s, set, err)
		}
	})
}
