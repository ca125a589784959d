# swiftstack — the two set-up commands are `make up` and `make test` (see README.md).
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN_DEBUG := .build/debug/swiftstack
BIN_RELEASE := .build/release/swiftstack
# Debian packages swiftstack needs to build (the static archives of libarchive's compressors:
# the release binary links statically), to prepare the reference stack's base images
# (mmdebstrap) and to run its tests (skopeo, umoci: image interoperability).
APT_PACKAGES := pkgconf libyaml-dev libarchive-dev libssl-dev zlib1g-dev libbz2-dev liblzma-dev libzstd-dev liblz4-dev busybox-static iproute2 procps skopeo umoci mmdebstrap

# Peers only the tests drive (podman interoperability); installed by `make test`, not by `make up`.
TEST_APT_PACKAGES := podman runc

.PHONY: setup test-deps build release test lint bench images up down clean soak

## setup: install the missing system packages (idempotent; apt-get only when something is missing)
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "==> system packages present"; fi

## test-deps: the test peers (apt-get only when something is missing)
test-deps:
	@missing=""; for p in $(TEST_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> installing test peers:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "==> test peers present"; fi

## build: debug build
build: setup
	$(SWIFT) build

## release: optimised build with the Swift runtime linked statically (fast start-up)
release: setup
	$(SWIFT) build $(RELEASE_FLAGS)

## lint: swift-format with the committed configuration, warnings are errors
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

# End-to-end suites run a second time against the static release binary (what `make up` and the
# benchmarks use): its start-up differs from the debug build's (no dynamic loader, one unwind
# table for the whole program), and the commands that handle signals or run async work are here.
RELEASE_E2E := VersionTests|RunCommandTests|RunCommandFastParseTests|CommonFastParseTests|ComposeCommandsTests|ComposeAttachedTests|StackLifecycleTests|BuildCommandTests|NameServerTests|NetworkCommandTests

## test: everything CI checks (lint, every test target; then the end-to-end suites above against
## the release binary; runtime tests need root)
test: setup test-deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(SWIFT) build $(RELEASE_FLAGS) --product swiftstack
	SWIFTSTACK_TEST_BINARY=$(CURDIR)/$(BIN_RELEASE) $(SWIFT) test --skip-build --filter '$(RELEASE_E2E)'

## soak: the reconcile soak for an hour (random kills and edits; `make test` runs 20 s of it)
soak: setup
	$(SWIFT) build --build-tests
	SWIFTSTACK_SOAK_SECONDS=$${SWIFTSTACK_SOAK_SECONDS:-3600} $(SWIFT) test --skip-build --filter ReconcileSoakTests

## bench: the benchmarks; figures and ratios to peers are printed, never asserted
bench: release
	bash bench/run.sh

STACK := stacks/crawler.yaml

## images: the reference stack's base images (busybox; Debian roots made with mmdebstrap), cached
images: release
	bash stacks/images/build.sh $(abspath $(BIN_RELEASE))

## up: build, prepare the base images, bring up the reference stack and show it working
up: images
	@echo "==> swiftstack up -d --wait -f $(STACK)"
	$(BIN_RELEASE) up -d --wait -f $(STACK)
	@echo "==> swiftstack ps"
	@$(BIN_RELEASE) ps --file $(STACK)
	@echo "==> the crawler's status (http://127.0.0.1:8081/status), once the crawl is done"
	@for i in $$(seq 1 60); do \
		status=$$(busybox wget -qO- http://127.0.0.1:8081/status 2>/dev/null); \
		case "$$status" in *'"done":true'*) break;; esac; sleep 1; done; echo "$$status"
	@echo "==> image sizes: multi-stage vs single-stage crawler (the lesson's 782 MB -> 41 MB)"
	@$(BIN_RELEASE) build -q -t swiftstack/crawler:single -f examples/crawler/Dockerfile.single examples/crawler >/dev/null
	@$(BIN_RELEASE) image ls | awk 'NR == 1 || $$1 == "swiftstack/crawler"'

## down: tear the reference stack down (its named volume stays; `swiftstack down -v` removes it)
down:
	$(BIN_RELEASE) down -f $(STACK)

clean:
	rm -rf .build
