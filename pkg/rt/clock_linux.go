package rt

import (
	"syscall"
	"unsafe"
)

// nanotime is the runtime's CLOCK_MONOTONIC reading through the vDSO: the
// clock the kernel's timers use, read without a system call and without
// the Go scheduler.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

const (
	clockMonotonic = 1
	timerAbstime   = 1
	eintr          = 4
)

// sleepUntil sleeps until the absolute CLOCK_MONOTONIC time deadline with
// a raw clock_nanosleep: unlike syscall.Syscall, a raw system call does not
// tell the Go scheduler, which therefore cannot hand the thread's work
// elsewhere or delay its return. It returns how many times a signal cut
// the sleep short. It is nosplit: see Thread.loop.
//
//go:nosplit
func sleepUntil(deadline int64) (interrupted uint64) {
	ts := syscall.Timespec{Sec: deadline / 1e9, Nsec: deadline % 1e9}
	for {
		_, _, errno := syscall.RawSyscall6(syscall.SYS_CLOCK_NANOSLEEP, clockMonotonic, timerAbstime,
			uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if errno != eintr {
			return interrupted
		}
		interrupted++
	}
}
