package snapshot_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	ghwsnap "github.com/jaypipes/ghw/pkg/snapshot"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/internal/testmachine"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/snapshot"
	"github.com/rtnode/rtnode/pkg/topology"
)

var cpusetEqual = cmp.Comparer(func(a, b cpuset.CPUSet) bool { return a.Equals(b) })

// replay captures root, unpacks the capture and discovers it.
func replay(t *testing.T, root hostfs.Root) (*topology.Machine, snapshot.Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := snapshot.Capture(context.Background(), root, &buf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := ghwsnap.Untar(dir, &buf); err != nil {
		t.Fatalf("unpack snapshot: %v", err)
	}
	unpacked, err := hostfs.New(dir)
	if err != nil {
		t.Fatalf("unpacked snapshot is not a host root: %v", err)
	}
	m, err := discover.New(unpacked, nil).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m, res
}

func discoverRoot(t *testing.T, root hostfs.Root) *topology.Machine {
	t.Helper()
	m, err := discover.New(root, nil).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSnapshotRoundTripLive: discover(live) equals discover(unpacked
// snapshot of live), but for the counters that move between two reads of a
// running kernel (IRQ counts, free memory, free hugepages).
func TestSnapshotRoundTripLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux")
	}
	root, err := hostfs.New("/")
	if err != nil {
		t.Fatal(err)
	}
	before := discoverRoot(t, root)
	got, res := replay(t, root)
	if len(res.Skipped) > 0 {
		t.Logf("skipped: %v", res.Skipped)
	}
	volatile := cmp.Options{
		cpusetEqual,
		cmpopts.IgnoreFields(topology.IRQ{}, "Counts"),
		cmpopts.IgnoreFields(topology.NUMANode{}, "MemFree"),
		cmpopts.IgnoreFields(topology.HugePages{}, "Free"),
		cmpopts.EquateEmpty(),
	}
	if diff := cmp.Diff(before, got, volatile); diff != "" {
		t.Errorf("discover(live) != discover(snapshot) (-live +snapshot):\n%s", diff)
	}
}

// TestSnapshotRoundTripCaptures: a snapshot of an unpacked capture (a root
// that is not "/") replays to exactly the same machine.
func TestSnapshotRoundTripCaptures(t *testing.T) {
	for _, name := range []string{"ghw-dual-xeon-l5640-i350-vfs", "hwloc-memorysidecaches", "hwloc-20em64t-hybrid-1p6c2t+2ca4co1t", "hwloc-offline-cpu0-node0", "hwloc-2arm-2c"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := testmachine.Unpack(t, name)
			want := discoverRoot(t, root)
			got, _ := replay(t, root)
			if diff := cmp.Diff(want, got, cpusetEqual, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-capture +snapshot):\n%s", diff)
			}
		})
	}
}
