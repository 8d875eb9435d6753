# The README's two commands, `make demo` and `make test`, work on a bare Debian machine with only the Swift
# toolchain: `deps` installs what is missing (OpenBLAS, bubblewrap, pkg-config, unzip/zip) through apt-get when
# run as root, after one `apt-get update`.
SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev bubblewrap pkg-config unzip zip
DEMO_OUT ?= .build/demo-out

.PHONY: all deps deps-cluster browser-deps build demo cluster-demo test test-fast snapshots bench check install release gradescope clean

all: build

# Installs the Debian packages named in $$missing (nothing when it is empty) as root, updating apt's lists at most
# once per make run (a stamp in .build); otherwise says which packages to install. Every deps target uses it.
APT_INSTALL = if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; \
	    { [ -e .build/.apt-updated-$(MAKE_RUN) ] || { apt-get update -qq && mkdir -p .build && touch .build/.apt-updated-$(MAKE_RUN); }; } \
	      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing:$$missing. Install them (Debian: sudo apt-get install$$missing) and run make again." >&2; exit 1; \
	  fi; \
	fi
export MAKE_RUN ?= $(shell date +%s)-$(shell echo $$PPID)

deps:
	@missing=""; \
	pkg-config --exists openblas 2>/dev/null || missing="$$missing libopenblas-dev pkg-config"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	command -v zip >/dev/null || missing="$$missing zip"; \
	$(APT_INSTALL)

# The cluster recipes' tools: Slurm (slurmctld, slurmd, munge) for `make cluster-demo` and the Slurm test, kubectl
# to read the Kubernetes manifest offline. `make test` goes on without them (ClusterRecipeTests then skips, saying why).
deps-cluster:
	@missing=""; \
	{ command -v slurmctld && command -v slurmd && command -v munged; } >/dev/null || missing="$$missing slurm-wlm"; \
	command -v kubectl >/dev/null || missing="$$missing kubernetes-client"; \
	$(APT_INSTALL)

# The browser the HTML report's test renders the page in (headless, offline): Debian's chromium, installed the same
# way. Only `make test` needs it.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	$(APT_INSTALL)

build: deps
	$(SWIFT) build --product grader

# Batch-grades the bundled sample classes, prints each class summary and writes their HTML reports: grading/samples
# for the default assignment, grading/samples-optimizers for optimizers-and-schedules.
demo: build
	rm -rf $(DEMO_OUT) $(DEMO_OUT)-optimizers
	$(SWIFT) run --skip-build grader batch grading/samples --out $(DEMO_OUT) --html
	$(SWIFT) run --skip-build grader batch grading/samples-optimizers --assignment optimizers-and-schedules --out $(DEMO_OUT)-optimizers --html
	@echo "Per-student reports: $(DEMO_OUT)/<student>/report.json, results.json and report.html; gradebook: $(DEMO_OUT)/grades.csv"
	@echo "Optimizers and schedules: $(DEMO_OUT)-optimizers/<student>/report.json; gradebook: $(DEMO_OUT)-optimizers/grades.csv"
	@echo "Open the classes' HTML reports in a browser: $(abspath $(DEMO_OUT))/report.html and $(abspath $(DEMO_OUT))-optimizers/report.html"

# A throwaway single-node Slurm cluster grades the sample class as a job array of shards, merges, and compares the
# gradebook with a single batch run's (grading/cluster/slurm/demo.sh; needs root).
cluster-demo: build deps-cluster
	grading/cluster/slurm/demo.sh $(CURDIR)/.build/debug/grader

# Every test target, the slow end-to-end GradingIntegrationTests included.
test: deps browser-deps
	@$(MAKE) --no-print-directory deps-cluster || echo "Going on without them: ClusterRecipeTests will skip what they need."
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

# The unit test targets only: no submission is compiled, no sandbox or grader binary is run.
FAST_TEST_TARGETS := TensorKitTests|ReferenceTests|GradCheckTests|SolutionsTests|GradingTests
test-fast: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing --filter '^($(FAST_TEST_TARGETS))\.'

# Re-records the snapshots of what people read (every command's --help, check's output) after a deliberate change;
# review the diff of Tests/GradingIntegrationTests/Snapshots/ before committing it.
snapshots: deps
	$(SWIFT) build --build-tests
	GRADER_UPDATE_SNAPSHOTS=1 $(SWIFT) test --skip-build --disable-swift-testing --filter 'GradingIntegrationTests\.SnapshotTests'

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

# The student kit (see README: release → distribute → collect → grade → publish) and the Gradescope bundle.
KIT_OUT ?= ../training-kit
release: build
	$(SWIFT) run --skip-build grader release --out $(KIT_OUT)

gradescope: build
	$(SWIFT) run --skip-build grader gradescope --out autograder.zip $(if $(SECRET),--secret-file $(SECRET),)

bench: deps
	$(SWIFT) build -c release --product grader
	.build/release/grader bench

clean:
	rm -rf .build
