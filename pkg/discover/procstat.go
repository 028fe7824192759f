package discover

import (
	"strconv"
	"strings"
)

// CPUTimes are one CPU's jiffies from /proc/stat.
type CPUTimes struct {
	// Total is user through steal (guest time is already in user).
	Total uint64
	Steal uint64
}

// ParseCPUTimes reads the per-CPU lines ("cpu3 ...") of /proc/stat; lines
// it cannot read are skipped.
func ParseCPUTimes(stat string) map[int]CPUTimes {
	out := map[int]CPUTimes{}
	for _, l := range strings.Split(stat, "\n") {
		f := strings.Fields(l)
		if len(f) < 9 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		id, err := strconv.Atoi(f[0][3:])
		if err != nil {
			continue
		}
		var t CPUTimes
		for i, v := range f[1:9] {
			n, _ := strconv.ParseUint(v, 10, 64)
			t.Total += n
			if i == 7 {
				t.Steal = n
			}
		}
		out[id] = t
	}
	return out
}

// StatusField returns the value of a "Key:\tvalue" line of
// /proc/PID/status, or "".
func StatusField(status, key string) string {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
