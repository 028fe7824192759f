package rt

import "golang.org/x/sys/unix"

func gettid() int { return unix.Gettid() }

// threadSwitches returns the calling thread's voluntary and involuntary
// context switches.
func threadSwitches() (uint64, uint64) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0, 0
	}
	return uint64(ru.Nvcsw), uint64(ru.Nivcsw)
}
