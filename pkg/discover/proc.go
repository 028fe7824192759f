package discover

import (
	"fmt"

	"github.com/prometheus/procfs"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/hostfs"
)

// Task flags from include/linux/sched.h, field 9 of /proc/PID/stat.
const (
	pfKthread       = 0x00200000
	pfNoSetAffinity = 0x04000000
)

// ProcFS opens the /proc below a host root with prometheus/procfs, which
// rtnode reads processes, threads and CPU times with.
func ProcFS(root hostfs.Root) (procfs.FS, error) {
	fs, err := procfs.NewFS(root.Path("proc"))
	if err != nil {
		return procfs.FS{}, fmt.Errorf("open %s: %w", root.Path("proc"), err)
	}
	return fs, nil
}

// Thread is what rtnode needs to know of a thread: who it is and whether it
// is a kernel thread the kernel pins.
type Thread struct {
	TID   int
	Comm  string
	Flags uint
}

// Kthread reports a kernel thread.
func (t Thread) Kthread() bool { return t.Flags&pfKthread != 0 }

// Pinned reports a thread whose affinity may not change (per-CPU kernel
// threads).
func (t Thread) Pinned() bool { return t.Flags&pfNoSetAffinity != 0 }

// ReadThread reads /proc/TID/stat (any thread's ID works there).
func ReadThread(fs procfs.FS, tid int) (Thread, error) {
	p, err := fs.Proc(tid)
	if err != nil {
		return Thread{}, err
	}
	st, err := p.Stat()
	if err != nil {
		return Thread{}, err
	}
	return Thread{TID: tid, Comm: st.Comm, Flags: st.Flags}, nil
}

// ThreadCPUs reads the name and allowed CPUs of thread tid of process pid
// from /proc/PID/task/TID/status.
func ThreadCPUs(fs procfs.FS, pid, tid int) (string, cpuset.CPUSet, error) {
	t, err := fs.Thread(pid, tid)
	if err != nil {
		return "", cpuset.New(), err
	}
	st, err := t.NewStatus()
	if err != nil {
		return "", cpuset.New(), err
	}
	ids := make([]int, len(st.CpusAllowedList))
	for i, c := range st.CpusAllowedList {
		ids[i] = int(c)
	}
	return st.Name, cpuset.New(ids...), nil
}

// ProcessCPUs is ThreadCPUs for a process's main thread.
func ProcessCPUs(fs procfs.FS, pid int) (string, cpuset.CPUSet, error) {
	return ThreadCPUs(fs, pid, pid)
}

// CPUTimes are one CPU's times from /proc/stat, in seconds.
type CPUTimes struct {
	// Total is user through steal (guest time is already in user).
	Total float64
	Steal float64
}

// ReadCPUTimes reads the per-CPU times of /proc/stat.
func ReadCPUTimes(fs procfs.FS) (map[int]CPUTimes, error) {
	st, err := fs.Stat()
	if err != nil {
		return nil, err
	}
	out := make(map[int]CPUTimes, len(st.CPU))
	for id, c := range st.CPU {
		out[int(id)] = CPUTimes{
			Total: c.User + c.Nice + c.System + c.Idle + c.Iowait + c.IRQ + c.SoftIRQ + c.Steal,
			Steal: c.Steal,
		}
	}
	return out, nil
}

// PIDs lists the processes in /proc.
func PIDs(fs procfs.FS) ([]int, error) {
	procs, err := fs.AllProcs()
	if err != nil {
		return nil, err
	}
	out := make([]int, len(procs))
	for i, p := range procs {
		out[i] = p.PID
	}
	return out, nil
}

// TIDs lists the threads of process pid.
func TIDs(fs procfs.FS, pid int) ([]int, error) {
	threads, err := fs.AllThreads(pid)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(threads))
	for i, t := range threads {
		out[i] = t.PID
	}
	return out, nil
}
