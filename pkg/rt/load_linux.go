package rt

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// Load is background work for realistic runs.
type Load struct {
	Kind    string // cpu, memory, io
	Workers int
}

// ParseLoad parses "cpu", "memory:2", "io:1".
func ParseLoad(s string) (Load, error) {
	kind, n, hasN := strings.Cut(s, ":")
	l := Load{Kind: kind, Workers: 1}
	if kind != "cpu" && kind != "memory" && kind != "io" {
		return l, fmt.Errorf("--load %q: want cpu, memory or io, optionally :N workers", s)
	}
	if hasN {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 || v > 256 {
			return l, fmt.Errorf("--load %q: workers must be 1-256", s)
		}
		l.Workers = v
	}
	return l, nil
}

// String is the kind and worker count, "cpu:2".
func (l Load) String() string { return fmt.Sprintf("%s:%d", l.Kind, l.Workers) }

// StartLoad starts the loads on cpus: with stress-ng when it is installed,
// else with rtbench's own workers (self re-executed with workerArg). The
// processes inherit the affinity of the thread that forks them.
func StartLoad(loads []Load, cpus cpuset.CPUSet, self, workerArg string) (*exec.Cmd, error) {
	if len(loads) == 0 {
		return nil, nil
	}
	var cmd *exec.Cmd
	if path, err := exec.LookPath("stress-ng"); err == nil {
		args := []string{}
		for _, l := range loads {
			switch l.Kind {
			case "cpu":
				args = append(args, "--cpu", strconv.Itoa(l.Workers))
			case "memory":
				args = append(args, "--vm", strconv.Itoa(l.Workers), "--vm-bytes", "128M")
			case "io":
				args = append(args, "--hdd", strconv.Itoa(l.Workers))
			}
		}
		cmd = exec.Command(path, args...)
	} else {
		args := []string{workerArg}
		for _, l := range loads {
			args = append(args, l.String())
		}
		cmd = exec.Command(self, args...)
		cmd.Dir = os.TempDir()
	}
	cmd.SysProcAttr = &unix.SysProcAttr{Setpgid: true, Pdeathsig: unix.SIGKILL}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := unix.SchedSetaffinity(0, topology.AffinityMask(cpus)); err != nil {
			errc <- fmt.Errorf("load affinity %s: %w", cpus, err)
			return
		}
		errc <- cmd.Start()
	}()
	if err := <-errc; err != nil {
		return nil, fmt.Errorf("start load: %w", err)
	}
	return cmd, nil
}

// StopLoad ends the load's process group.
func StopLoad(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = unix.Kill(-cmd.Process.Pid, unix.SIGKILL)
	_ = cmd.Wait()
}

// RunWorkers is the body of rtbench's own load workers: cpu spins, memory
// writes 64 MiB over and over, io writes and syncs a temporary file.
func RunWorkers(specs []string) error {
	done := make(chan error)
	started := 0
	for _, s := range specs {
		l, err := ParseLoad(s)
		if err != nil {
			return err
		}
		for i := 0; i < l.Workers; i++ {
			started++
			go func(kind string) { done <- work(kind) }(l.Kind)
		}
	}
	runtime.GOMAXPROCS(max(started, 1))
	return <-done
}

func work(kind string) error {
	switch kind {
	case "cpu":
		x := uint64(1)
		for {
			x = x*6364136223846793005 + 1442695040888963407
		}
	case "memory":
		buf := make([]byte, 64<<20)
		for {
			for i := 0; i < len(buf); i += 4096 {
				buf[i]++
			}
		}
	}
	f, err := os.CreateTemp("", "rtbench-io-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	block := make([]byte, 1<<20)
	for i := 0; ; i++ {
		if _, err := f.WriteAt(block, int64(i%64)<<20); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
	}
}
