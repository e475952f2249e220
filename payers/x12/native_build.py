"""Compile the X12 hot path with mypyc: ``python -m payers.x12.native_build``."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from payers.x12.native import GROUP, HERE, MODULES, NATIVE_DIR, STAMP, stamp


def build() -> Path:
    """Compile MODULES into NATIVE_DIR (replacing any earlier build); returns NATIVE_DIR."""
    compiler = os.environ.get("CC", "cc").split()[0]
    if shutil.which(compiler) is None:
        raise RuntimeError(f"no C compiler ({compiler}) on PATH")
    from mypyc.build import mypycify
    from setuptools import setup

    expected = stamp()  # of the sources as they were when the build began
    root = HERE.parents[1]  # mypyc names each module from its path under the project root
    with tempfile.TemporaryDirectory(prefix="coverwatch-native-") as work:
        previous = Path.cwd()
        os.chdir(root)
        try:
            extensions = mypycify([f"payers/x12/{name}.py" for name in MODULES],
                                  group_name=GROUP, target_dir=os.path.join(work, "c"))
            setup(name="coverwatch-x12-native", ext_modules=extensions, packages=[],
                  py_modules=[], script_args=[
                      "--quiet", "build_ext", "--build-lib", os.path.join(work, "lib"),
                      "--build-temp", os.path.join(work, "temp")])
        finally:
            os.chdir(previous)
        built = [p for p in Path(work, "lib").rglob("*") if p.suffix in (".so", ".pyd")]
        fresh = NATIVE_DIR.with_name("_native.new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        for library in built:
            shutil.copy2(library, fresh / library.name)
        (fresh / STAMP).write_text(expected + "\n")
    shutil.rmtree(NATIVE_DIR, ignore_errors=True)
    fresh.rename(NATIVE_DIR)
    return NATIVE_DIR


def main(argv: list[str]) -> int:
    if argv:
        sys.stderr.write("usage: python -m payers.x12.native_build\n")
        return 2
    try:
        build()
    except (Exception, SystemExit) as error:  # noqa: BLE001 - setuptools exits on a failure;
        # any failure leaves the pure-Python decoder in use
        sys.stderr.write(f"payers.x12.native_build: no compiled decoder ({type(error).__name__}: "
                         f"{error}); the same modules run as Python\n")
        return 1
    sys.stdout.write(f"payers.x12.native_build: compiled {', '.join(MODULES)} into "
                     f"{NATIVE_DIR}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
