"""need.py — the tools a test needs beyond the build: programs, Python modules and npm
packages, all of which scripts/setup.sh installs. A test asks for them before it starts. A
missing one is installed by running setup.sh (one test at a time); only when setup.sh says it
could not install something is the test skipped as a whole (exit 77, Meson's skip), with
setup.sh's own words as the reason. A tool still missing after setup.sh succeeded is a
failure: setup.sh does not install it and should."""

import fcntl
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = 77
SETUP_TIMEOUT = 240


def _setup():
    """Run scripts/setup.sh, one test at a time; returns (exit status, its last words)."""
    with open(os.path.join(tempfile.gettempdir(), "cvom-setup.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            p = subprocess.run(["sh", os.path.join(ROOT, "scripts", "setup.sh")],
                               capture_output=True, text=True, timeout=SETUP_TIMEOUT)
        except subprocess.TimeoutExpired:
            return 1, "scripts/setup.sh did not finish in %d s" % SETUP_TIMEOUT
    out = [ln.strip() for ln in (p.stdout + p.stderr).splitlines() if ln.strip()]
    said = [ln for ln in out if "could not" in ln or "please install" in ln or "no npm" in ln]
    return p.returncode, (said or out or ["no output"])[-1]


def _settle(test, what, package, found):
    """found() after running setup.sh: the thing, a skip, or a failure."""
    print("%s: %s is missing; running scripts/setup.sh" % (test, what), flush=True)
    rc, said = _setup()
    got = found()
    if got:
        return got
    if rc != 0:
        print("%s: skipped: %s (%s) cannot be installed here: %s" % (test, what, package, said),
              flush=True)
        sys.exit(SKIP)
    print("FAIL %s: %s is still missing after scripts/setup.sh succeeded: setup.sh must "
          "install %s" % (test, what, package), flush=True)
    sys.exit(1)


def program(test, exe, package):
    """The path of program exe (a name on PATH, or a path), from Debian package package."""
    def found():
        if os.sep in exe:
            return exe if os.access(exe, os.X_OK) else None
        return shutil.which(exe)
    return found() or _settle(test, "the program " + exe, package, found)


def module(test, name, package):
    """The Python module name, from Debian package package."""
    def found():
        importlib.invalidate_caches()
        try:
            return importlib.import_module(name)
        except ImportError:
            return None
    return found() or _settle(test, "the Python module " + name, package, found)


def npm_package(test, directory, name):
    """The directory of npm package name installed in directory (from its lock file)."""
    def found():
        path = os.path.join(ROOT, directory, "node_modules", name)
        return path if os.path.exists(os.path.join(path, "package.json")) else None
    return found() or _settle(test, "the npm package %s in %s" % (name, directory or "."),
                              "npm ci", found)
