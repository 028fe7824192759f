package apply

import (
	"errors"
	"testing"
)

// fragmentedPool behaves like the kernel's nr_hugepages on fragmented
// memory: a write grants at most the contiguous blocks free, and each
// compaction frees perCompact more. (Fragmenting this machine's memory for
// real would starve it; the live tests cover the pool that fills.)
type fragmentedPool struct {
	free, perCompact, held int64
	sets, compactions      int
}

func (p *fragmentedPool) set(want int64) func() (int64, error) {
	return func() (int64, error) {
		p.sets++
		grant := min(want-p.held, p.free)
		p.held += grant
		p.free -= grant
		return p.held, nil
	}
}

func (p *fragmentedPool) compact() { p.compactions++; p.free += p.perCompact }

func TestFillPool(t *testing.T) {
	for _, tc := range []struct {
		name             string
		pool             fragmentedPool
		want             int64
		got              int64
		sets, compaction int
		err              string
	}{
		{"fills at once", fragmentedPool{free: 100}, 64, 64, 1, 0, ""},
		{"fills after two compactions", fragmentedPool{free: 40, perCompact: 10}, 60, 60, 3, 2, ""},
		{"short after every retry", fragmentedPool{free: 10, perCompact: 5}, 64, 25, 4, 3,
			"got 25 of 64 pages after compacting 3 times: short 39 pages (78 MiB)"},
		{"nothing free", fragmentedPool{}, 2, 0, 4, 3,
			"got 0 of 2 pages after compacting 3 times: short 2 pages (4 MiB)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.pool
			got, err := fillPool(tc.want, 2048, p.set(tc.want), p.compact)
			if got != tc.got || p.sets != tc.sets || p.compactions != tc.compaction {
				t.Errorf("got %d pages with %d writes and %d compactions, want %d, %d, %d",
					got, p.sets, p.compactions, tc.got, tc.sets, tc.compaction)
			}
			if msg := errString(err); msg != tc.err {
				t.Errorf("error %q, want %q", msg, tc.err)
			}
		})
	}
}

func TestFillPoolWriteFails(t *testing.T) {
	refused := errors.New("write: invalid argument")
	got, err := fillPool(8, 1048576, func() (int64, error) { return 0, refused }, func() {})
	if got != -1 || !errors.Is(err, refused) {
		t.Errorf("got %d, %v; want -1 and the write's error", got, err)
	}
}

func TestPageSizeKiB(t *testing.T) {
	for target, want := range map[string]int64{
		"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages":    2048,
		"/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages": 1048576,
		"/proc/sys/vm/nr_hugepages": 0,
	} {
		if got := pageSizeKiB(target); got != want {
			t.Errorf("pageSizeKiB(%s) = %d, want %d", target, got, want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
