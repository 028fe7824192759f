// Package hostfs is the host root as a value: the live system ("/"), the host
// mounted into a DaemonSet ("/host"), or an unpacked capture. Every read of
// /sys and /proc in rtnode goes through a Root, so every code path runs the
// same way on a fixture as on a real machine, and tests can run in parallel
// on different roots. There are no package-level paths.
//
// Kernel pseudo-files report sizes that are wrong (4096 or 0); the readers
// here read until EOF and never trust stat.
package hostfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Root is a host root directory. The zero value is not usable; use New.
type Root struct {
	dir string
}

// New returns the root at dir after checking that it looks like a host root:
// a directory holding sys/devices/system/cpu or proc/cpuinfo. The error
// names the directory and what is wrong with it.
func New(dir string) (Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Root{}, fmt.Errorf("host root %q: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Root{}, fmt.Errorf("host root %q does not exist", dir)
		}
		return Root{}, fmt.Errorf("host root %q: %w", dir, err)
	}
	if !st.IsDir() {
		return Root{}, fmt.Errorf("host root %q is not a directory (to read a snapshot, unpack it first: tar -xzf FILE -C DIR)", dir)
	}
	r := Root{dir: abs}
	if !r.Exists("sys", "devices", "system", "cpu") && !r.Exists("proc", "cpuinfo") {
		return Root{}, fmt.Errorf("host root %q is not a host root or capture: it has neither sys/devices/system/cpu nor proc/cpuinfo", dir)
	}
	return r, nil
}

// Dir returns the absolute directory of the root.
func (r Root) Dir() string { return r.dir }

// Live reports whether the root is the running system's own "/".
func (r Root) Live() bool { return r.dir == "/" }

// Path joins elem below the root. Elements may contain slashes.
func (r Root) Path(elem ...string) string {
	return filepath.Join(append([]string{r.dir}, elem...)...)
}

// Rel returns the root-relative form of an absolute path below the root,
// starting with "/", as people know the path on the host.
func (r Root) Rel(path string) string {
	rel, err := filepath.Rel(r.dir, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return path
	}
	return "/" + rel
}

// Exists reports whether the path exists (a dangling symlink counts).
func (r Root) Exists(elem ...string) bool {
	_, err := os.Lstat(r.Path(elem...))
	return err == nil
}

// ReadFile reads a whole file below the root.
func (r Root) ReadFile(elem ...string) ([]byte, error) {
	return os.ReadFile(r.Path(elem...))
}

// ReadString reads a file below the root and trims surrounding white space
// and NUL bytes (some sysfs files and captures end with one).
func (r Root) ReadString(elem ...string) (string, error) {
	b, err := r.ReadFile(elem...)
	if err != nil {
		return "", err
	}
	return strings.Trim(string(b), " \t\r\n\x00"), nil
}

// ReadInt reads a file holding one decimal integer.
func (r Root) ReadInt(elem ...string) (int, error) {
	s, err := r.ReadString(elem...)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s: not an integer: %q", r.Rel(r.Path(elem...)), s)
	}
	return n, nil
}

// ReadInt64 reads a file holding one decimal 64-bit integer.
func (r Root) ReadInt64(elem ...string) (int64, error) {
	s, err := r.ReadString(elem...)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: not an integer: %q", r.Rel(r.Path(elem...)), s)
	}
	return n, nil
}

// ReadDirNames lists the names in a directory below the root, sorted.
func (r Root) ReadDirNames(elem ...string) ([]string, error) {
	entries, err := os.ReadDir(r.Path(elem...))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

// Readlink returns the target of a symbolic link below the root.
func (r Root) Readlink(elem ...string) (string, error) {
	return os.Readlink(r.Path(elem...))
}

// LinkBase returns the last element of a symbolic link's target, such as the
// driver name behind .../driver or the group behind .../iommu_group.
func (r Root) LinkBase(elem ...string) (string, error) {
	t, err := r.Readlink(elem...)
	if err != nil {
		return "", err
	}
	return filepath.Base(t), nil
}

// WriteFile writes value to an existing file below the root as a shell's
// "echo value > file" does (truncate, one write) but never creates it. The
// error names the value and the host path.
func (r Root) WriteFile(value string, elem ...string) error {
	p := r.Path(elem...)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", value, r.Rel(p), err)
	}
	_, werr := f.Write([]byte(value))
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write %q to %s: %w", value, r.Rel(p), werr)
	}
	return nil
}

// Mkdir creates one directory below the root (a cgroup).
func (r Root) Mkdir(elem ...string) error {
	p := r.Path(elem...)
	if err := os.Mkdir(p, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", r.Rel(p), err)
	}
	return nil
}

// Rmdir removes one empty directory below the root (a cgroup).
func (r Root) Rmdir(elem ...string) error {
	p := r.Path(elem...)
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("remove %s: %w", r.Rel(p), err)
	}
	return nil
}
