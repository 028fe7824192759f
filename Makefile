# rtnode — build, run and test. `make run` and `make test` install what they
# need on a Debian machine (as root) and are what README.md and CI use.

SHELL      := /bin/bash
GO         ?= go
BIN        := bin
GOFLAGS    ?=
# Debian packages the tests and the main job use: tar and bzip2 unpack the
# machine captures, pci.ids names PCI devices, GNU time measures RSS.
APT_PKGS   := tar bzip2 pci.ids time
# The latency benchmarks also need cyclictest, stress-ng and tuned.
BENCH_PKGS := rt-tests stress-ng tuned
FUZZTIME   ?= 10s

.PHONY: all build run test deps go-check vet fmt-check fuzz bench e2e-provision e2e clean

all: build

deps: go-check
	@missing=""; for p in $(APT_PKGS) $(EXTRA_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "make: missing Debian packages:$$missing (run as root to install them)"; exit 1; fi; \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# go.mod names Go 1.26; an older go command fetches that toolchain from the
# Go module proxy by itself (GOTOOLCHAIN=auto). Without any go command,
# Debian's golang-go is installed to bootstrap it.
go-check:
	@command -v $(GO) >/dev/null 2>&1 || { \
	  echo "installing golang-go to bootstrap the Go toolchain"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null; }
	@$(GO) version

build: go-check
	$(GO) build $(GOFLAGS) -o $(BIN)/rtnode ./cmd/rtnode
	$(GO) build $(GOFLAGS) -o $(BIN)/rtbench ./cmd/rtbench

# The main job on the embedded default profile: discover this machine, plan,
# measure the would-be isolated cpus under load, tune, measure again,
# revert, and print the before/after table (RUN_FLAGS=--keep stays tuned).
run: EXTRA_PKGS = rt-tests stress-ng
run: deps build
	$(BIN)/rtnode demo $(RUN_FLAGS)

vet: go-check
	$(GO) vet ./...

fmt-check: go-check
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

# Every test: unit, capture, synthetic, live-host, CLI, fuzz seeds and, as
# root, the end-to-end scenarios against a real kubelet and containerd (their
# binaries are provisioned first, cached by version). One package at a time
# (-p 1): the live tests change the host that others read. Skipped tests are
# listed with their reasons (test/run.sh).
test: deps fmt-check vet
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory e2e-provision; fi
	test/run.sh $(GO)

# Coverage-guided fuzzing of every parser, FUZZTIME each.
fuzz: go-check
	@for pkg in ./pkg/topology/ ./pkg/discover/ ./pkg/profile/; do for f in $$($(GO) test -list "Fuzz.*" $$pkg | grep ^Fuzz); do \
	  echo "== $$pkg $$f"; $(GO) test -run XXX -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; done; done

bench: EXTRA_PKGS = $(BENCH_PKGS)
bench: deps
	$(GO) test -run XXX -bench . -benchmem -count 3 ./benchmarks/
	benchmarks/discover-cmd.sh 15
	benchmarks/apply-effect.sh 15 3
	benchmarks/vs-tuned.sh 15 3

# Build (or take from .cache/e2e) the pinned containerd, crictl and kubelet
# the end-to-end tests run.
e2e-provision: go-check
	test/e2e/provision.sh

# Only the end-to-end scenarios against the real kubelet, containerd and runc
# (root).
e2e: deps e2e-provision
	$(GO) test -count=1 -p 1 -v ./test/e2e/

clean:
	rm -rf $(BIN)
