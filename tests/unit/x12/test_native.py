"""The compiled X12 hot path (payers/x12/native.py): used only when built for exactly these
sources, and it reads every input exactly as the Python source does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from payers.x12 import native

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "x12"
CORPUS = REPO.parent / "shared" / "x12-corpus"


def test_a_build_is_used_only_for_the_sources_it_was_built_from(tmp_path, monkeypatch):
    monkeypatch.delenv("COVERWATCH_PURE_PYTHON", raising=False)
    monkeypatch.setattr(native, "NATIVE_DIR", tmp_path)
    assert not native.usable()  # no build at all
    (tmp_path / native.STAMP).write_text("0" * 64 + "\n")
    assert not native.usable()  # a build of other sources (or for another interpreter)
    (tmp_path / native.STAMP).write_text(native.stamp() + "\n")
    assert native.usable()
    monkeypatch.setenv("COVERWATCH_PURE_PYTHON", "1")
    assert not native.usable()


def test_the_stamp_changes_with_any_compiled_source(tmp_path, monkeypatch):
    for name in native.MODULES:
        (tmp_path / f"{name}.py").write_bytes((native.HERE / f"{name}.py").read_bytes())
    monkeypatch.setattr(native, "HERE", tmp_path)
    before = native.stamp()
    assert before == native.stamp()
    last = tmp_path / f"{native.MODULES[-1]}.py"
    last.write_text(last.read_text() + "\n# edited\n")
    assert native.stamp() != before


def test_the_decoder_in_use_is_the_build_exactly_when_the_build_is_usable():
    # This process imported payers.x12 before the test ran: a usable build was put first on
    # its path, and without one the Python modules were loaded.
    assert native.in_use() == native.usable()
    if os.environ.get("CI"):
        # make builds it before the suite runs; a CI run without it would test the fallback
        # only. (Elsewhere the build is optional: a machine may have no C compiler.)
        assert native.usable(), "make did not build payers/x12/_native (see its output)"


def _outputs(paths: list[str], scratch: Path, *, pure: bool) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "COVERWATCH_PURE_PYTHON"}
    if pure:
        env["COVERWATCH_PURE_PYTHON"] = "1"
    scratch.mkdir()
    done = subprocess.run([sys.executable, "-m", "tests.support.x12_outputs", str(scratch),
                           *paths], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_compiled_decoder_reads_everything_as_the_python_one_does(tmp_path):
    if not native.usable():
        pytest.skip("no compiled decoder built (python -m payers.x12.native_build)")
    paths = sorted(str(p) for p in FIXTURES.rglob("*") if p.suffix in (".271", ".x12", ".txt",
                                                                        ".edi", ".278", ".999"))
    if CORPUS.is_dir():
        corpus = [p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md"]
        assert len(corpus) == 58
        paths += sorted(str(p) for p in corpus)
    assert len(paths) >= 30
    compiled = _outputs(paths, tmp_path / "compiled", pure=False)
    python = _outputs(paths, tmp_path / "python", pure=True)
    assert (compiled["compiled"], python["compiled"]) == (True, False)
    assert compiled["files"].keys() == python["files"].keys()
    differing = [name for name in python["files"]
                 if compiled["files"][name] != python["files"][name]]
    assert differing == []
