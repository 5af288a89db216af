# Convenience wrapper around meson/ninja (QEMU-style).  The real build is
# meson.build; ./configure writes the build directory this uses.
BUILD_DIR ?= build
MESON ?= meson
NINJA ?= ninja

.PHONY: all deps check check-unit check-guests check-functional check-asan run demo bench install clean distclean

all: $(BUILD_DIR)/build.ninja
	$(NINJA) -C $(BUILD_DIR)

$(BUILD_DIR)/build.ninja:
	@if ! command -v $(MESON) >/dev/null 2>&1; then scripts/install-deps.sh; fi
	$(MESON) setup $(BUILD_DIR)

deps:
	scripts/install-deps.sh

# Everything: deps, build, every test suite, then the sanitizer pass.
check: deps all
	$(MESON) test -C $(BUILD_DIR) --print-errorlogs --num-processes 2
	$(MAKE) check-asan

# The unit and guest suites again under AddressSanitizer + UBSan.
check-asan: deps
	@if [ ! -f build-asan/build.ninja ]; then \
	    $(MESON) setup build-asan -Db_sanitize=address,undefined -Db_lundef=false; fi
	$(NINJA) -C build-asan
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    $(MESON) test -C build-asan --print-errorlogs --num-processes 2 --suite unit --suite guests-asan \
	    --suite functional

check-unit: all
	$(MESON) test -C $(BUILD_DIR) --print-errorlogs --suite unit

check-guests: all
	$(MESON) test -C $(BUILD_DIR) --print-errorlogs --suite guests

run: deps all
	scripts/run-linux.sh $(BUILD_DIR)

demo: deps all
	scripts/run-demo.sh $(BUILD_DIR)

bench: deps all
	scripts/bench.sh $(BUILD_DIR)

install: all
	$(MESON) install -C $(BUILD_DIR)

clean:
	@if [ -f $(BUILD_DIR)/build.ninja ]; then $(NINJA) -C $(BUILD_DIR) clean; fi

distclean:
	rm -rf $(BUILD_DIR) build-asan
