# FieldOps: `make run` starts the sync server with demo data and opens the desktop app;
# `make test` runs every test tier. Both install what is missing first.

SHELL := /bin/bash
CARGO ?= cargo
TARGET_DIR := $(shell $(CARGO) metadata --format-version 1 --no-deps 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || echo target)
BIN := $(TARGET_DIR)/debug
RUN_DIR := .run
PORT ?= 8787
SERVER_URL := http://127.0.0.1:$(PORT)
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: fuzz fuzz-automerge run test deps ui build-server build-bridge build-app bindings lint test-rust test-ui test-e2e-browser test-e2e-desktop check-android test-windows postgres bench clean

deps:
	@.ci/deps.sh

ui: deps
	cd ui && npm run build

build-server:
	$(CARGO) build -p fieldops-sync-server -p fieldops-tools

# Development and tests only: the app's commands over loopback HTTP from a real device store.
build-bridge:
	$(CARGO) build -p fieldops-bridge

# The UI's client and types, generated from the Rust command declarations (core/device/src/app).
# `make test` fails while they are stale.
bindings:
	FIELDOPS_WRITE_BINDINGS=1 $(CARGO) test -p fieldops-device --lib app::bindings::tests::generated_bindings_are_current

# The desktop app with the UI embedded (what `cargo tauri build --debug --no-bundle` builds).
# Clippy and the app build need ui/dist: Tauri embeds it at compile time.
build-app: deps
	npx --prefix ui tauri build --debug --no-bundle

run: deps build-server build-app
	@mkdir -p $(RUN_DIR)
	@if [ ! -f $(RUN_DIR)/server.sqlite ]; then \
	  $(BIN)/fieldops-tools demo-data --tenant demo --database sqlite://$(RUN_DIR)/server.sqlite; fi
	@$(BIN)/fieldops-sync-server serve --listen 127.0.0.1:$(PORT) --database sqlite://$(RUN_DIR)/server.sqlite & \
	  server=$$!; trap "kill $$server 2>/dev/null" EXIT; \
	  for i in $$(seq 50); do curl -fs $(SERVER_URL)/healthz >/dev/null && break; sleep 0.2; done; \
	  echo "sync server on $(SERVER_URL); opening the app signed in as chen.jing (supervisor)"; \
	  FIELDOPS_DATA_DIR=$(RUN_DIR)/app FIELDOPS_SERVER_URL=$(SERVER_URL) FIELDOPS_TENANT=demo \
	  FIELDOPS_LOGIN=$${FIELDOPS_LOGIN:-chen.jing} FIELDOPS_PASSWORD=fieldops-demo $(BIN)/fieldops

# PostgreSQL must be up for the server tests; they fail (never skip) when it is not.
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  if ls /etc/postgresql >/dev/null 2>&1; then \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  else \
	    echo "PostgreSQL is not installed: apt-get install postgresql, or set PG_ADMIN_URL" >&2; exit 1; \
	  fi; \
	fi
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start" >&2; exit 1

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npx tsc --noEmit && npx eslint . --max-warnings 0

test-rust: build-server build-bridge postgres
	FIELDOPS_PG_ADMIN_URL=$(PG_ADMIN_URL) $(CARGO) test --workspace --exclude fieldops

test-ui: deps
	cd ui && npx vitest run

# Every flow in Chromium against the real stack: the UI on the development bridge (a real device
# store) syncing with the real sync server binary; each test starts its own (ui/e2e/stack.ts).
test-e2e-browser: ui build-server build-bridge
	cd ui && npx playwright test

test-e2e-desktop: build-server build-app
	tests/e2e/desktop.sh

# Android: the app, its mobile-only code included (the geolocation plugin), linted for
# aarch64-linux-android. Without the Android NDK the GNU aarch64 cross compiler stands in for
# the NDK's clang to build the bundled C (SQLCipher, OpenSSL's libcrypto, ring); nothing is
# linked, no APK is made.
check-android: deps ui
	@rustup target list --installed | grep -qx aarch64-linux-android || rustup target add aarch64-linux-android
	CC_aarch64_linux_android=aarch64-linux-gnu-gcc AR_aarch64_linux_android=aarch64-linux-gnu-ar \
	  $(CARGO) clippy --target aarch64-linux-android -p fieldops -- -D warnings

# Windows: the device core's tests, cross-built with MinGW and run under Wine (Debian's Wine 8;
# tests/windows/wine-run.sh): among them the database encrypted by SQLCipher over the bundled
# OpenSSL with its key in the Credential Manager. Four tests are left to the Linux tier: they
# read their PDF or workbook back with Linux programs (poppler, LibreOffice) that a Windows
# process cannot start. The Tauri shell itself is not built for Windows here.
WINDOWS_TARGET := x86_64-pc-windows-gnu
test-windows: deps
	@rustup target list --installed | grep -qx $(WINDOWS_TARGET) || rustup target add $(WINDOWS_TARGET)
	$(CARGO) clippy --target $(WINDOWS_TARGET) -p fieldops-device --features os-keyring --all-targets -- -D warnings
	CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
	CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$(CURDIR)/tests/windows/wine-run.sh \
	WINEPREFIX=$(abspath $(TARGET_DIR))/wine \
	  $(CARGO) test -p fieldops-device --features os-keyring --target $(WINDOWS_TARGET) --lib -- \
	  --skip labels::tests::the_label_sheet_prints_each_machines_link \
	  --skip tests::report:: \
	  --skip workspace::statistics::tests::the_dashboard_counts_what_happened_and_names_the_orders

test: deps lint check-android test-windows test-rust test-ui test-e2e-browser test-e2e-desktop
	@echo "all test tiers passed"

# Mutation fuzzing, coverage-guided (cargo-fuzz, libFuzzer, AddressSanitizer; nightly Rust):
# each target for FUZZ_SECONDS. New inputs collect in $(FUZZ_WORK); a crash stops the run and
# is saved under core/fuzz/artifacts/: copy it into core/fuzz/corpus/<target>/ so that
# `make test` replays it (core/fuzz-targets) once it is fixed.
FUZZ_SECONDS ?= 60
FUZZ_WORK ?= /tmp/fieldops-fuzz
FUZZ_TARGETS = push sync_request photo catalogue_import blob change_body
fuzz: deps
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	$(CARGO) +nightly fuzz build --fuzz-dir core/fuzz -O
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_WORK)/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  $(CARGO) +nightly fuzz run --fuzz-dir core/fuzz -O $$t $(FUZZ_WORK)/$$t core/fuzz/corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 || exit 1; \
	done

# automerge itself without our guard (automerge_load, automerge_change): crashes found here are
# automerge's, written up in docs/UPSTREAM.md; the guarded targets above must survive them.
fuzz-automerge: deps
	$(CARGO) +nightly fuzz build --fuzz-dir core/fuzz -O
	@for t in automerge_load automerge_change; do \
	  mkdir -p $(FUZZ_WORK)/$$t; \
	  $(CARGO) +nightly fuzz run --fuzz-dir core/fuzz -O $$t $(FUZZ_WORK)/$$t core/fuzz/corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 || true; \
	done

bench: deps postgres
	$(CARGO) build --release -p fieldops-sync-server -p fieldops-tools
	$(TARGET_DIR)/release/fieldops-tools bench --baseline docs/bench-sync-baseline.jsonl
	$(TARGET_DIR)/release/fieldops-tools storm --devices 1000 --orders 3000
	$(TARGET_DIR)/release/fieldops-tools storm --devices 1000 --orders 3000 --postgres $(PG_ADMIN_URL)
	$(TARGET_DIR)/release/fieldops-tools storm --devices 1000 --orders 3000 --postgres $(PG_ADMIN_URL) --instances 2
	$(TARGET_DIR)/release/fieldops-tools bench-knowledge --entries 20000
	$(CARGO) bench -p fieldops-media --bench photo
	$(CARGO) bench -p fieldops-device --bench stock
	$(CARGO) bench -p fieldops-device --bench orders
	$(CARGO) bench -p fieldops-device --bench alerts
	$(CARGO) bench -p fieldops-device --bench statistics
	cd ui && node bench/portal.mjs 5
	# The desktop app's start-up to the order list (the debug app of `make run`; FIELDOPS_APP=path
	# times another build).
	$(MAKE) build-server build-app
	bash tests/e2e/desktop.sh --cold-starts 7

clean:
	rm -rf $(RUN_DIR) ui/dist
