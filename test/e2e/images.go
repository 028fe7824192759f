package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
)

// busyboxApplets are linked to /bin/busybox in the test images.
var busyboxApplets = []string{"sh", "sleep", "cat", "ls", "grep", "env", "true"}

// BuildImage writes a docker-archive tar of a one-layer image holding the
// static busybox under /bin, tagged tag, running cmd. No registry is
// reachable here, so the test images are built locally and imported with
// ctr.
func BuildImage(path, tag string, cmd []string) error {
	bb, err := os.ReadFile("/usr/bin/busybox")
	if err != nil {
		return fmt.Errorf("busybox-static is needed for the test images: %w", err)
	}
	layer, err := busyboxLayer(bb)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(layer)
	config, _ := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Cmd": cmd, "Env": []string{"PATH=/bin"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + hex.EncodeToString(sum[:])}},
	})
	manifest, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{tag}, "Layers": []string{"layer.tar"}}})
	return writeTar(path, []entry{{"config.json", config, 0o644, ""}, {"layer.tar", layer, 0o644, ""}, {"manifest.json", manifest, 0o644, ""}})
}

func busyboxLayer(bb []byte) ([]byte, error) {
	entries := []entry{{"bin/", nil, 0o755, ""}, {"tmp/", nil, 0o1777, ""}, {"proc/", nil, 0o755, ""}, {"sys/", nil, 0o755, ""},
		{"dev/", nil, 0o755, ""}, {"etc/", nil, 0o755, ""}, {"bin/busybox", bb, 0o755, ""}}
	for _, a := range busyboxApplets {
		entries = append(entries, entry{"bin/" + a, nil, 0o777, "busybox"})
	}
	var buf bytes.Buffer
	if err := tarTo(&buf, entries); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type entry struct {
	name string
	data []byte
	mode int64
	link string
}

func writeTar(path string, entries []entry) error {
	var buf bytes.Buffer
	if err := tarTo(&buf, entries); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func tarTo(buf *bytes.Buffer, entries []entry) error {
	tw := tar.NewWriter(buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.data)), Typeflag: tar.TypeReg}
		switch {
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		case e.name[len(e.name)-1] == '/':
			h.Typeflag = tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	return tw.Close()
}
