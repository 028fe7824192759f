// Package testmachine gives tests the real machine captures in
// ../shared/machines (beside the repository, or where RTNODE_MACHINES
// points) as host roots, and builds small synthetic host trees.
package testmachine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Dir returns the directory holding the captures.
func Dir() string {
	if d := os.Getenv("RTNODE_MACHINES"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	return filepath.Join(repo, "..", "shared", "machines")
}

// Unpack unpacks the capture whose file name starts with name into a
// temporary directory and returns it as a host root. The test is skipped
// when the capture or tar is missing.
func Unpack(t testing.TB, name string) hostfs.Root {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(Dir(), name+".tar.*"))
	if len(matches) != 1 {
		t.Skipf("capture %s not found in %s (set RTNODE_MACHINES to the shared/machines directory)", name, Dir())
	}
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar is not installed; it unpacks the machine captures")
	}
	dir := t.TempDir()
	out, err := exec.Command("tar", "-xmf", matches[0], "-C", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("unpack %s: %v: %s", matches[0], err, out)
	}
	if strings.HasPrefix(name, "hwloc-") {
		entries, _ := os.ReadDir(dir)
		if len(entries) == 1 && entries[0].IsDir() {
			dir = filepath.Join(dir, entries[0].Name())
		}
	}
	root, err := hostfs.New(dir)
	if err != nil {
		t.Fatalf("capture %s: %v", name, err)
	}
	return root
}

// Tree is a synthetic host tree: file paths relative to the root mapped to
// their content. A value starting with "-> " makes a symbolic link, a path
// ending in "/" an empty directory.
type Tree map[string]string

// Build writes the tree into a temporary directory and returns its root.
func Build(t testing.TB, tree Tree) hostfs.Root {
	t.Helper()
	dir := t.TempDir()
	for p, content := range tree {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasSuffix(p, "/"):
			err = os.MkdirAll(full, 0o755)
		case strings.HasPrefix(content, "-> "):
			err = os.Symlink(strings.TrimPrefix(content, "-> "), full)
		default:
			err = os.WriteFile(full, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	root, err := hostfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Discover unpacks a capture and discovers it.
func Discover(t testing.TB, name string) *topology.Machine {
	t.Helper()
	m, err := discover.New(Unpack(t, name), nil).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}
