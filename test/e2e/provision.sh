#!/usr/bin/env bash
# Provisions the real node components the end-to-end tests run: containerd
# (with NRI), its runc shim and ctr, crictl, and the kubelet, all built from
# the Go module proxy at pinned versions, plus Debian's runc and
# busybox-static. Binaries are cached by version in $RTNODE_E2E_CACHE
# (default .cache/e2e, ignored by git), so a warm run takes seconds.
# Prints where each binary is and how long each step took.
#   usage: test/e2e/provision.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CONTAINERD=v2.4.2
CRICTL=v1.37.0
KUBELET=v1.37.2
cache=${RTNODE_E2E_CACHE:-$PWD/.cache/e2e}
mkdir -p "$cache"

step() { # name dir binary command...
  local name=$1 dir=$2 bin=$3 t0
  shift 3
  if [ -x "$dir/$bin" ]; then
    printf '%-10s cached   %s\n' "$name" "$dir/$bin"
    return
  fi
  t0=$(date +%s)
  mkdir -p "$dir.tmp"
  "$@"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  printf '%-10s built    %s (%ds)\n' "$name" "$dir/$bin" $(($(date +%s) - t0))
}

missing=""
for p in runc busybox-static; do dpkg -s $p >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

step containerd "$cache/containerd-$CONTAINERD" containerd \
  env CGO_ENABLED=0 GOBIN="$cache/containerd-$CONTAINERD.tmp" go install \
  github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD \
  github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD \
  github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD
step crictl "$cache/crictl-$CRICTL" crictl \
  env CGO_ENABLED=0 GOBIN="$cache/crictl-$CRICTL.tmp" go install sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL
step kubelet "$cache/kubelet-$KUBELET" kubelet \
  sh -c "cd test/e2e/kubelet && CGO_ENABLED=0 go build -ldflags '-X k8s.io/component-base/version.gitVersion=$KUBELET -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo $KUBELET | cut -d. -f2)' -o '$cache/kubelet-$KUBELET.tmp/kubelet' k8s.io/kubernetes/cmd/kubelet"
printf '%-10s system   %s\n' runc "$(command -v runc)"
printf '%-10s system   %s\n' busybox "$(command -v busybox)"
