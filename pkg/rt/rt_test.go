package rt

import (
	"bytes"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func histOf(samplesMicros ...int) *Histogram {
	h := NewHistogram(100)
	for _, us := range samplesMicros {
		h.Add(int64(us) * 1000)
	}
	return h
}

func TestHistogramStatistics(t *testing.T) {
	var s []int
	for i := 1; i <= 1000; i++ {
		s = append(s, i%100)
	}
	s = append(s, 250) // an overflow beyond the 100 µs buckets
	h := histOf(s...)
	for _, tc := range []struct {
		name string
		got  float64
		want float64
	}{
		{"p50", h.Percentile(0.5), 50}, {"p99", h.Percentile(0.99), 99}, {"p99.99", h.Percentile(0.9999), 250},
		{"min", h.Min(), 0}, {"max", h.Max(), 250}, {"above 98", float64(h.Above(98)), 21},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %g, want %g", tc.name, tc.got, tc.want)
		}
	}
	if h.Count != 1001 || h.Overflow != 1 {
		t.Errorf("count %d overflow %d", h.Count, h.Overflow)
	}
	if e := NewHistogram(10); e.Percentile(0.99) != 0 || e.Avg() != 0 || e.Min() != 0 {
		t.Error("empty histogram statistics are not 0")
	}
	m := histOf(1, 2)
	m.Merge(histOf(3, 200))
	if m.Count != 4 || m.Max() != 200 || m.Min() != 1 || m.Overflow != 1 {
		t.Errorf("merge: %+v", m)
	}
}

// TestLoopAllocatesNothing runs the measurement loop itself for 200 cycles
// of 50 µs and checks the garbage collector would have nothing to do.
func TestLoopAllocatesNothing(t *testing.T) {
	th := &Thread{Hist: NewHistogram(histLimit)}
	var stop atomic.Bool
	allocs := testing.AllocsPerRun(5, func() {
		th.Hist.Count = 0
		start := nanotime() + 50_000
		th.loop(start, 50_000, start+time.Second.Nanoseconds(), 200, &stop)
	})
	if allocs != 0 {
		t.Errorf("the loop allocates %.1f times per run", allocs)
	}
	if th.Hist.Count != 200 {
		t.Errorf("loop ran %d cycles, want 200", th.Hist.Count)
	}
}

const histLimit = 10000

func TestJSONRoundTrip(t *testing.T) {
	r := &Result{Cmdline: "rtbench -a 1", Interval: 200 * time.Microsecond, Priority: 95, HistLimitMicros: 100,
		Start: time.Unix(0, 0), End: time.Unix(10, 0)}
	h := histOf(3, 4, 4, 5, 99, 180)
	st := StatsOf(1, h)
	st.Noise = Noise{StealShare: 0.02, IRQs: map[string]uint64{"LOC": 10}}
	r.CPUs = []CPUResult{{Stats: st, Hist: h}}
	var b bytes.Buffer
	if err := WriteJSON(&b, r, 0); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"thread"`, `"histogram"`, `"4": 2`, `"cycles": 6`, `"cpu": 1`, `"p99.9"`, `"stealShare": 0.02`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("json lacks %s:\n%s", want, b.String())
		}
	}
	back, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	c := back.CPUs[0]
	if c.CPU != 1 || c.Cycles != 6 || c.P50 != 4 || c.Max != 180 || c.Noise.StealShare != 0.02 || back.Interval != 200*time.Microsecond {
		t.Errorf("read back %+v", c.Stats)
	}
	if _, err := ReadJSON(strings.NewReader(`{"thread": {}}`)); err == nil {
		t.Error("a file without threads was accepted")
	}
}

// sample draws n latencies: mostly around base µs with a tail.
func sample(seed int64, n, base, tail int) *Histogram {
	rng := rand.New(rand.NewSource(seed))
	h := NewHistogram(histLimit)
	for i := 0; i < n; i++ {
		us := base + rng.Intn(10)
		if rng.Intn(100) == 0 {
			us += rng.Intn(tail)
		}
		h.Add(int64(us) * 1000)
	}
	return h
}

func result(h *Histogram, steal float64) *Result {
	st := StatsOf(1, h)
	st.Noise.StealShare = steal
	return &Result{CPUs: []CPUResult{{Stats: st, Hist: h}}}
}

func TestCompareBaseline(t *testing.T) {
	base := result(sample(1, 50000, 40, 60), 0)
	for _, tc := range []struct {
		name    string
		run     *Result
		regress bool
		refused bool
	}{
		{"another run of the same distribution is noise, not a regression", result(sample(2, 50000, 40, 60), 0), false, false},
		{"a short run with three spikes is not a regression", result(spiky(sample(3, 2000, 40, 60), 3, 150), 0), false, false},
		{"a tail three times longer is a regression", result(sample(4, 50000, 40, 300), 0), true, false},
		{"everything 80 µs later is a regression", result(sample(5, 50000, 120, 60), 0), true, false},
		{"steal in this run refuses to judge", result(sample(6, 50000, 120, 60), 0.05), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Compare(tc.run, base, 1.3, 0.01)
			if (v.Refused != "") != tc.refused || (len(v.Regressions) > 0) != tc.regress {
				t.Errorf("verdict %+v", v)
			}
		})
	}
	if v := Compare(result(sample(7, 50000, 40, 60), 0), result(sample(8, 50000, 40, 60), 0.2), 1.3, 0.01); !strings.Contains(v.Refused, "in the baseline") {
		t.Errorf("steal in the baseline: %+v", v)
	}
}

func TestCheckTargets(t *testing.T) {
	r := result(histOf(10, 20, 30, 90), 0)
	if msg := CheckTargets(r, Targets{P99: 50 * time.Microsecond}); msg != "FAIL: p99 of cpu 1 is 90µs, target 50µs" {
		t.Errorf("p99 target: %q", msg)
	}
	if msg := CheckTargets(r, Targets{MaxLatency: time.Millisecond, P999: 100 * time.Microsecond}); msg != "" {
		t.Errorf("met targets reported: %q", msg)
	}
}

func TestParseLoad(t *testing.T) {
	for in, want := range map[string]string{"cpu": "cpu:1", "memory:2": "memory:2", "io:3": "io:3"} {
		l, err := ParseLoad(in)
		if err != nil || l.String() != want {
			t.Errorf("ParseLoad(%q) = %v, %v", in, l, err)
		}
	}
	for _, bad := range []string{"disk", "cpu:0", "cpu:x", "io:999"} {
		if _, err := ParseLoad(bad); err == nil {
			t.Errorf("ParseLoad(%q) accepted", bad)
		}
	}
}

func TestHTMLReport(t *testing.T) {
	r := result(sample(1, 1000, 40, 60), 0)
	r.Interval = time.Millisecond
	var b bytes.Buffer
	if err := WriteHTML(&b, r, "FAIL: p99 <script>"); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"<svg", "latency histogram of cpu 1", "<td>1000</td>", "FAIL: p99 &lt;script&gt;"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// spiky adds n samples of us µs.
func spiky(h *Histogram, n, us int) *Histogram {
	for i := 0; i < n; i++ {
		h.Add(int64(us) * 1000)
	}
	return h
}
