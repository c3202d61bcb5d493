# The front door. Meson and Ninja do the work; these targets only name the common jobs.
#   make          build build/cvom
#   make check    install what is missing, build with ASan+UBSan, run every test
#   make demo     install what is missing, build, create demo.db, show the matrix, then
#                 serve the web application on it (LISTEN=127.0.0.1:8080)
#   make bench    release build, then the benchmarks in bench/
#   make soak     release build, then cvom serve under a mixed load for SOAK_SECONDS
#                 (default 600): errors, latency and memory, a clean stop, an intact database
#   make fuzz     every fuzz target under libFuzzer for FUZZ_SECONDS (default 60) each
#   make faults   the fault-injection walks of make check, over every allocation and write
#                 instead of a sample (tests/faults/)
#   make install  install cvom and cvom(1), libcvom (shared and static), cvom.h and cvom.pc
#                 (PREFIX, default /usr/local; DESTDIR=… stages it for a package)

PREFIX ?= /usr/local
SETUP   = scripts/setup.sh
DEMO_DB ?= demo.db
LISTEN  ?= 127.0.0.1:8080
SOAK_SECONDS ?= 600

.PHONY: all setup check-build check demo release bench soak fuzz faults install clean format

all: build/build.ninja
	ninja -C build

build/build.ninja:
	meson setup build --prefix=$(PREFIX)

setup:
	@sh $(SETUP)

check-build: setup
	@[ -f build-check/build.ninja ] && meson setup --reconfigure build-check >/dev/null || meson setup build-check -Db_sanitize=address,undefined \
		-Db_lundef=false -Dwerror=true --buildtype=debug

check: check-build
	@sh tests/check.sh build-check

demo: setup all
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	build/cvom demo --db $(DEMO_DB)
	build/cvom matrix --db $(DEMO_DB)
	@echo
	@echo "Starting the web application on the demo portfolio (Ctrl-C stops it)."
	build/cvom serve --db $(DEMO_DB) --listen $(LISTEN)

# The release build the benchmarks and the soak run measure.
release: setup
	@[ -f build-release/build.ninja ] || meson setup build-release --buildtype=release
	ninja -C build-release

bench: release
	@sh bench/run.sh build-release

soak: release
	@python3 bench/soak.py build-release/cvom --seconds $(SOAK_SECONDS)

fuzz:
	@sh $(SETUP) fuzz
	@sh tests/fuzz/long.sh $(FUZZ_TARGETS)

faults: check-build
	ninja -C build-check
	CVOM_FAULTS_ALL=1 meson test -C build-check --no-rebuild --suite faults -t 40 --print-errorlogs

install: all
	meson configure build --prefix=$(PREFIX)
	meson install -C build

format:
	clang-format -i include/*.h src/*/*.[ch] src/*/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch] \
	    tests/faults/*.[ch] bench/*.c examples/*.c

clean:
	rm -rf build build-check build-release build-fuzz
