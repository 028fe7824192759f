package hostfs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnode/rtnode/pkg/hostfs"
)

func TestNewRejectsWhatIsNotAHostRoot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.tar.gz")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(dir, "missing"), "does not exist"},
		{file, "is not a directory"},
		{dir, "is not a host root or capture"},
	} {
		_, err := hostfs.New(tc.dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("New(%q) = %v, want one line with %q", tc.dir, err, tc.want)
		}
	}
}

func TestReaders(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "sys/devices/system/cpu"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "sys/devices/system/cpu/online"), []byte("0-3\n\x00"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "n"), []byte(" 42\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "bad"), []byte("4x\n"), 0o644))
	must(t, os.Symlink("../../bus/pci/drivers/igb", filepath.Join(dir, "driver")))
	r, err := hostfs.New(dir)
	must(t, err)
	if s, _ := r.ReadString("sys/devices/system/cpu", "online"); s != "0-3" {
		t.Errorf("ReadString = %q, want NUL and newline trimmed", s)
	}
	if n, err := r.ReadInt("n"); n != 42 || err != nil {
		t.Errorf("ReadInt = %d, %v", n, err)
	}
	if _, err := r.ReadInt("bad"); err == nil || !strings.Contains(err.Error(), "/bad: not an integer") {
		t.Errorf("ReadInt(bad) error = %v", err)
	}
	if b, _ := r.LinkBase("driver"); b != "igb" {
		t.Errorf("LinkBase = %q", b)
	}
	if !r.Exists("driver") || r.Exists("nothing") {
		t.Error("Exists is wrong")
	}
	if got := r.Rel(r.Path("sys", "x")); got != "/sys/x" {
		t.Errorf("Rel = %q", got)
	}
	if r.Live() {
		t.Error("a temporary directory is not the live root")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
