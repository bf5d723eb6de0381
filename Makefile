# faas++ — the two commands are `make up` and `make test`; everything else is for developers.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD := build
ASAN_BUILD := build/asan
FUZZ_BUILD := build/fuzz
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 20
PORT ?= 8080

.PHONY: all deps build asan test up fuzz tidy bench format format-check clean

all: build

deps:
	@bash scripts/install-deps.sh

# Release binaries in build/bin (fwatchdog fully static).
build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Debug + ASan/UBSan build of everything, tests included.
asan: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFAAS_SANITIZE=ON \
	  -DFAAS_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test, first under ASan/UBSan, then against the release (static) binaries users run.
test: build asan
	@echo "== tests under ASan+UBSan ($(ASAN_BUILD)) =="
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)
	@echo "== tests against the release binaries ($(BUILD)) =="
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole platform in the foreground (faasd up) with the sample function deployed.
up: build
	@bash scripts/up.sh $(PORT)

# libFuzzer targets (clang), each run for FUZZ_SECONDS.
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DFAAS_FUZZ=ON -DFAAS_SANITIZE=ON -DFAAS_BUILD_TESTS=OFF -DFAAS_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@bash scripts/run-fuzzers.sh $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS)

# clang-tidy with the enforced checks of .clang-tidy over our sources.
tidy: build
	@bash scripts/tidy.sh $(BUILD)

bench: build
	@bash bench/run.sh
	@bash bench/gateway.sh
	@bash bench/containerd.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD)
