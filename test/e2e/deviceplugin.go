package e2e

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// testPlugin is the smallest device plugin the kubelet accepts: it
// serves one healthy device of a resource until stopped. The scenarios use
// it to make the kubelet know a resource and then lose its plugin; rtnode's
// own device plugins are tested against the kubelet elsewhere.
type testPlugin struct {
	pluginapi.UnimplementedDevicePluginServer
	server *grpc.Server
	socket string
}

// StartTestPlugin serves resource with one device and registers it.
func StartTestPlugin(t *testing.T, resource string) *testPlugin {
	t.Helper()
	p := &testPlugin{server: grpc.NewServer(), socket: filepath.Join(filepath.Dir(deviceSocket), "rtnode-e2e.sock")}
	os.Remove(p.socket)
	l, err := net.Listen("unix", p.socket)
	must(t, err)
	pluginapi.RegisterDevicePluginServer(p.server, p)
	go p.server.Serve(l)
	conn, err := grpc.NewClient("unix://"+deviceSocket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	must(t, err)
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = pluginapi.NewRegistrationClient(conn).Register(ctx, &pluginapi.RegisterRequest{
		Version: pluginapi.Version, Endpoint: filepath.Base(p.socket), ResourceName: resource})
	must(t, err)
	return p
}

// Stop ends the plugin; the kubelet keeps the resource known but without
// devices for its grace period.
func (p *testPlugin) Stop() {
	p.server.Stop()
	os.Remove(p.socket)
}

// GetDevicePluginOptions asks for nothing.
func (p *testPlugin) GetDevicePluginOptions(context.Context, *pluginapi.Empty) (*pluginapi.DevicePluginOptions, error) {
	return &pluginapi.DevicePluginOptions{}, nil
}

// ListAndWatch sends one healthy device and waits.
func (p *testPlugin) ListAndWatch(_ *pluginapi.Empty, s grpc.ServerStreamingServer[pluginapi.ListAndWatchResponse]) error {
	if err := s.Send(&pluginapi.ListAndWatchResponse{Devices: []*pluginapi.Device{{ID: "1", Health: pluginapi.Healthy}}}); err != nil {
		return err
	}
	<-s.Context().Done()
	return nil
}

// Allocate grants the devices with no further setup.
func (p *testPlugin) Allocate(_ context.Context, r *pluginapi.AllocateRequest) (*pluginapi.AllocateResponse, error) {
	out := &pluginapi.AllocateResponse{}
	for range r.ContainerRequests {
		out.ContainerResponses = append(out.ContainerResponses, &pluginapi.ContainerAllocateResponse{})
	}
	return out, nil
}
