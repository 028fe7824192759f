// Package snapshot captures the parts of a host's /sys and /proc that
// discovery reads into a tar.gz, so users can send their machine with a bug
// report and tests can replay it: `rtnode discover --root DIR` reads the
// unpacked capture exactly as it read the host. It copies with ghw's snapshot
// package and adds what rtnode reads beyond ghw (IRQs, SR-IOV links, the
// command line, cgroup mounts, per-node memory).
//
// A snapshot only reads the host. Files that cannot be read are skipped and
// reported, never fatal.
package snapshot

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	ghwsnap "github.com/jaypipes/ghw/pkg/snapshot"

	"github.com/rtnode/rtnode/pkg/hostfs"
)

// Result says what a capture skipped.
type Result struct {
	// Skipped lists root-relative globs that could not be copied, with why.
	Skipped []string
}

// Capture writes a gzipped tar of root's discovery files to w. The archive
// unpacks into a directory that is itself a host root.
func Capture(ctx context.Context, root hostfs.Root, w io.Writer) (Result, error) {
	scratch, err := os.MkdirTemp("", "rtnode-snapshot-")
	if err != nil {
		return Result{}, fmt.Errorf("snapshot scratch directory: %w", err)
	}
	defer os.RemoveAll(scratch)
	var res Result
	opts := &ghwsnap.CopyFileOptions{
		IsSymlinkFn:       func(_ string, fi os.FileInfo) bool { return fi.Mode()&os.ModeSymlink != 0 },
		ShouldCreateDirFn: func(string, os.FileInfo) bool { return true },
	}
	for _, spec := range specs(root) {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := ghwsnap.CopyFilesInto(ctx, []string{spec}, scratch, opts); err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v", root.Rel(spec), err))
		}
	}
	top := filepath.Join(scratch, root.Dir())
	if err := ghwsnap.PackWithWriter(ctx, w, top); err != nil {
		return res, fmt.Errorf("pack snapshot: %w", err)
	}
	return res, nil
}

// CaptureFile writes the capture to path, refusing to overwrite a file.
func CaptureFile(ctx context.Context, root hostfs.Root, path string) (Result, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Result{}, fmt.Errorf("snapshot output: %w", err)
	}
	res, err := Capture(ctx, root, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("snapshot output: %w", cerr)
	}
	if err != nil {
		os.Remove(path)
	}
	return res, err
}
