# The README's two commands, `make demo` and `make test`, work on a bare Debian machine with only the Swift
# toolchain: `deps` installs what is missing (OpenBLAS, bubblewrap, pkg-config, unzip/zip) through apt-get when
# run as root, after one `apt-get update`.
SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev bubblewrap pkg-config unzip zip
DEMO_OUT ?= .build/demo-out

.PHONY: all deps build demo test test-fast bench check install clean

all: build

deps:
	@missing=""; \
	pkg-config --exists openblas 2>/dev/null || missing="$$missing libopenblas-dev pkg-config"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	command -v zip >/dev/null || missing="$$missing zip"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing:$$missing. Install them (Debian: sudo apt-get install$$missing) and run make again." >&2; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build --product grader

# Batch-grades the bundled sample classes and prints each class summary: grading/samples for the default
# assignment, grading/samples-optimizers for optimizers-and-schedules.
demo: build
	rm -rf $(DEMO_OUT) $(DEMO_OUT)-optimizers
	$(SWIFT) run --skip-build grader batch grading/samples --out $(DEMO_OUT)
	$(SWIFT) run --skip-build grader batch grading/samples-optimizers --assignment optimizers-and-schedules --out $(DEMO_OUT)-optimizers
	@echo "Per-student reports: $(DEMO_OUT)/<student>/report.json and results.json; gradebook: $(DEMO_OUT)/grades.csv"
	@echo "Optimizers and schedules: $(DEMO_OUT)-optimizers/<student>/report.json; gradebook: $(DEMO_OUT)-optimizers/grades.csv"

# Every test target, the slow end-to-end GradingIntegrationTests included.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

# The unit test targets only: no submission is compiled, no sandbox or grader binary is run.
FAST_TEST_TARGETS := TensorKitTests|ReferenceTests|GradCheckTests|SolutionsTests|GradingTests
test-fast: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing --filter '^($(FAST_TEST_TARGETS))\.'

# A student's loop: grade the working copy's Exercises/.
check: build
	$(SWIFT) run --skip-build grader check

# A launcher: the release grader on PATH, so `grader check` starts at once instead of going through `swift run`
# (which checks the whole package build first). Run it from inside the package; it finds the package from there.
PREFIX ?= $(HOME)/.local
install: deps
	$(SWIFT) build -c release --product grader
	mkdir -p $(PREFIX)/bin
	ln -sf $(CURDIR)/.build/release/grader $(PREFIX)/bin/grader
	@echo "Installed $(PREFIX)/bin/grader (a link to .build/release/grader). Make sure $(PREFIX)/bin is on your PATH, then run 'grader check' inside this folder."

bench: deps
	$(SWIFT) build -c release --product grader
	.build/release/grader bench

clean:
	rm -rf .build
