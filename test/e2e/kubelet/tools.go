//go:build tools

// Package kubelet pins the kubelet the end-to-end tests build: a scratch
// module that requires k8s.io/kubernetes and replaces each staging module
// with its release, so `go build k8s.io/kubernetes/cmd/kubelet` works from
// the Go module proxy.
package kubelet

import _ "k8s.io/kubernetes/cmd/kubelet"
