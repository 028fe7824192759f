package e2e

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/containerd/nri/pkg/api"
	"github.com/containerd/nri/pkg/stub"
)

// annotationRecorder is a tiny NRI plugin that records the pod annotations
// it sees when containers are created — the test stand-in until rtnode's
// own NRI plugin exists.
type annotationRecorder struct {
	mu   sync.Mutex
	seen map[string]map[string]string // container name → pod annotations
}

// CreateContainer records the pod's annotations and changes nothing.
func (r *annotationRecorder) CreateContainer(_ context.Context, pod *api.PodSandbox, ctr *api.Container) (*api.ContainerAdjustment, []*api.ContainerUpdate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[pod.Name+"/"+ctr.Name] = pod.Annotations
	return nil, nil, nil
}

// Annotations returns what the plugin saw for a pod's container.
func (r *annotationRecorder) Annotations(pod, container string) (map[string]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.seen[pod+"/"+container]
	return a, ok
}

// StartNRIRecorder connects the recorder to the cluster's NRI socket; it
// stops when the test ends.
func (c *Cluster) StartNRIRecorder(t *testing.T) *annotationRecorder {
	t.Helper()
	r := &annotationRecorder{seen: map[string]map[string]string{}}
	s, err := stub.New(r, stub.WithPluginName("rtnode-e2e-recorder"), stub.WithPluginIdx("50"),
		stub.WithSocketPath(filepath.Join(c.Dir, "nri.sock")))
	must(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Start(ctx))
	t.Cleanup(s.Stop)
	return r
}
