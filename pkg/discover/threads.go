package discover

import (
	"fmt"
	"strconv"
	"strings"
)

// Task flags from include/linux/sched.h, field 9 of /proc/PID/stat.
const (
	pfKthread        = 0x00200000
	pfNoSetAffinity  = 0x04000000
	statFlagsField   = 9
	statCommEndRunes = ") "
)

// ThreadInfo is what /proc/PID/stat tells rtnode about a thread.
type ThreadInfo struct {
	PID   int
	Comm  string
	Flags uint64
}

// Kthread reports a kernel thread.
func (t ThreadInfo) Kthread() bool { return t.Flags&pfKthread != 0 }

// Pinned reports a thread whose affinity may not change (per-CPU kernel
// threads).
func (t ThreadInfo) Pinned() bool { return t.Flags&pfNoSetAffinity != 0 }

// ParseStat parses /proc/PID/stat; the command name may hold spaces and
// parentheses, so fields are counted after the last ") ".
func ParseStat(s string) (ThreadInfo, error) {
	open := strings.IndexByte(s, '(')
	end := strings.LastIndex(s, statCommEndRunes)
	if open < 0 || end < open {
		return ThreadInfo{}, fmt.Errorf("stat %q: no (comm)", truncate(s))
	}
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil {
		return ThreadInfo{}, fmt.Errorf("stat %q: bad pid", truncate(s))
	}
	rest := strings.Fields(s[end+len(statCommEndRunes):])
	// rest[0] is field 3 (state); flags is field 9.
	if len(rest) < statFlagsField-2 {
		return ThreadInfo{}, fmt.Errorf("stat %q: too few fields", truncate(s))
	}
	flags, err := strconv.ParseUint(rest[statFlagsField-3], 10, 64)
	if err != nil {
		return ThreadInfo{}, fmt.Errorf("stat %q: bad flags", truncate(s))
	}
	return ThreadInfo{PID: pid, Comm: s[open+1 : end], Flags: flags}, nil
}
