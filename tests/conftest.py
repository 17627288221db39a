"""Shared fixtures: the GPU marker is skipped without CUDA; tests never touch the user's store."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(config, items):
    if any("gpu" in item.keywords for item in items):
        try:
            import torch

            has_cuda = torch.cuda.is_available()
        except Exception:  # torch missing or broken
            has_cuda = False
        if not has_cuda:
            skip = pytest.mark.skip(reason="needs a CUDA device (none present)")
            for item in items:
                if "gpu" in item.keywords:
                    item.add_marker(skip)


# --- hermetic store (report/CLI area) ------------------------------------------------------------
# Every test runs with THEORYCHECK_STORE set to its own temporary folder (subprocesses inherit it),
# so no test reads results stored by the user or writes into the user's .theorycheck-store. The
# session checks at the end that the default store folders were left exactly as they were.

def _snapshot(folder: Path) -> dict:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


_WATCHED = {ROOT / ".theorycheck-store", Path.cwd() / ".theorycheck-store"}
if os.environ.get("THEORYCHECK_STORE"):
    _WATCHED.add(Path(os.environ["THEORYCHECK_STORE"]))
_BEFORE: dict = {}


def pytest_sessionstart(session):
    for f in _WATCHED:
        _BEFORE[f] = _snapshot(f)


def pytest_sessionfinish(session, exitstatus):
    changed = [str(f) for f in _WATCHED if _snapshot(f) != _BEFORE.get(f, {})]
    if changed:
        session.config.get_terminal_writer().line(
            f"ERROR: tests wrote into the user's results store: {', '.join(changed)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _hermetic_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("THEORYCHECK_STORE", str(tmp_path_factory.mktemp("store")))
