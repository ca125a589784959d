# swiftstack — the two set-up commands are `make up` and `make test` (see README.md).
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN_DEBUG := .build/debug/swiftstack
BIN_RELEASE := .build/release/swiftstack
# Debian packages swiftstack needs to build and run its tests.
APT_PACKAGES := pkgconf libyaml-dev libarchive-dev libssl-dev busybox-static iproute2 procps skopeo umoci

.PHONY: setup build release test unit lint bench up down clean

## setup: install the missing system packages (idempotent; apt-get only when something is missing)
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "==> system packages present"; fi

## build: debug build
build: setup
	$(SWIFT) build

## release: optimised build with the Swift runtime linked statically (fast start-up)
release: setup
	$(SWIFT) build $(RELEASE_FLAGS)

## lint: swift-format with the committed configuration, warnings are errors
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

## test: everything CI checks (lint, then every test target; runtime tests need root)
test: setup lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: the benchmarks; figures and ratios to peers are printed, never asserted
bench: release
	bash bench/run.sh

## up: build, prepare, and bring up the reference stack
up: release
	@echo "==> swiftstack config -f stacks/crawler.yaml"
	$(BIN_RELEASE) config -f stacks/crawler.yaml
	@echo "==> swiftstack plan -f stacks/crawler.yaml"
	$(BIN_RELEASE) plan -f stacks/crawler.yaml

## down: tear the reference stack down
down:
	@echo "nothing runs yet: the runtime and reconciler land with issues 3 and 7"

clean:
	rm -rf .build
