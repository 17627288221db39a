"""The results store: reuse, keys, atomic writes, corrupted entries, resume after Ctrl-C, progress."""

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from theorycheck.core import registry
from theorycheck.core import store as st
from theorycheck.core.progress import Progress, fmt_seconds, track
from theorycheck.core.registry import Claim
from theorycheck.core.result import Result, Verdict

CALLS: dict[str, int] = {}


def _counting_check(printed, profile):
    CALLS["n"] = CALLS.get("n", 0) + 1
    return Result(Verdict.HOLDS if printed == 2 else Verdict.CORRECTED, "computed 1 + 1", "exact",
                  {"computed": 1 + 1, "claimed": printed}, correction=None if printed == 2 else "1 + 1 = 2")


def _crashing_check(printed, profile):
    CALLS["crash"] = CALLS.get("crash", 0) + 1
    raise RuntimeError("boom")


def _claim(cid="TSTORE.one", check=_counting_check, printed=2):
    # not registered: the global registry (and docs/claims.md) stay untouched
    return Claim(id=cid, source="test", statement="1 + 1 = 2", check=check, printed=printed)


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_reuse_and_fresh(tmp_path):
    s = st.Store(tmp_path)
    c = _claim()
    (o,) = st.run_with_store([c], store=s)
    assert CALLS["n"] == 1 and o.cached is False and o.verdict is Verdict.HOLDS
    (o2,) = st.run_with_store([c], store=st.Store(tmp_path))
    assert CALLS["n"] == 1 and o2.cached is True
    assert o2.result.to_dict() == o.result.to_dict()
    (o3,) = st.run_with_store([c], store=st.Store(tmp_path), fresh=True)
    assert CALLS["n"] == 2 and o3.cached is False
    # another profile is another key
    st.run_with_store([c], profile="full", store=st.Store(tmp_path))
    assert CALLS["n"] == 3


def test_crash_is_not_stored(tmp_path):
    from theorycheck.core.runner import Crash

    c = _claim("TSTORE.crash", check=_crashing_check)
    for _ in range(2):
        (o,) = st.run_with_store([c], store=st.Store(tmp_path))
        assert isinstance(o, Crash)
    assert CALLS["crash"] == 2
    assert not list(tmp_path.rglob("*.json"))


def test_key_follows_the_source_of_the_claims_code(tmp_path, monkeypatch):
    mod = tmp_path / "tc_store_usermod.py"
    body = "from theorycheck.core.result import Result, Verdict\ndef chk(p, profile):\n    return Result(Verdict.HOLDS, 'ok', 'exact')\n"
    mod.write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    m = importlib.import_module("tc_store_usermod")
    c = Claim(id="TSTORE.src", source="t", statement="s", check=m.chk)
    h1 = st.source_hash(c)
    mod.write_text(body + "# an edit\n")
    h2 = st.source_hash(c)
    assert h1 and h2 and h1 != h2
    files = {p.name for p in st.source_closure(mod, "tc_store_usermod")}
    assert {"tc_store_usermod.py", "result.py"} <= files


def test_source_closure_is_transitive():
    c = registry.get("K24.sec31")
    files = {p.relative_to(Path(st.__file__).parents[1]).as_posix() for p in st.source_closure(*st._claim_file(c))}
    # claims/k24/section31 imports symcheck inside a function; symcheck imports tolerances
    assert {"claims/k24/section31.py", "core/symcheck.py", "core/tolerances.py", "core/registry.py",
            "core/result.py"} <= files


@pytest.mark.parametrize("damage", ["truncate", "flip_verdict", "garbage", "wrong_key"])
def test_corrupted_entry_is_detected_and_recomputed(tmp_path, damage):
    c = _claim()
    st.run_with_store([c], store=st.Store(tmp_path))
    (path,) = list(tmp_path.rglob("*.json"))
    text = path.read_text()
    if damage == "truncate":
        path.write_text(text[: len(text) // 2])
    elif damage == "flip_verdict":  # valid JSON, checksum no longer matches
        path.write_text(text.replace('"verdict": "holds"', '"verdict": "fails"'))
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff\x10 not json")
    else:  # intact entry stored under the wrong key (e.g. copied by hand)
        e = json.loads(text)
        e["key"]["profile"] = "full"
        body = {k: v for k, v in e.items() if k != "checksum"}
        e["checksum"] = st._sha(body)
        path.write_text(json.dumps(e))
    s = st.Store(tmp_path)
    seen = []
    (o,) = st.run_with_store([c], store=s, on_corrupt=lambda *a: seen.append(a))
    assert CALLS["n"] == 2 and o.cached is False  # recomputed, not trusted
    assert len(seen) == 1 and seen[0][0] == c.id
    # and the entry was rewritten intact
    (o2,) = st.run_with_store([c], store=st.Store(tmp_path))
    assert o2.cached is True and CALLS["n"] == 2


def test_atomic_write_keeps_old_entry_when_interrupted(tmp_path, monkeypatch):
    p = tmp_path / "a" / "x.json"
    st.atomic_write_text(p, "old\n")

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(st.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        st.atomic_write_text(p, "new\n")
    assert p.read_text() == "old\n"
    assert [f.name for f in p.parent.iterdir()] == ["x.json"]  # no temporary file left


INTERRUPT_CLAIMS = '''
import os, time
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict

def _log(x):
    with open(os.environ["TC_TEST_LOG"], "a") as f:
        f.write(x + "\\n")

def _ok(name):
    return Result(Verdict.HOLDS, name + " computed", "exact", {"name": name})

@claim("TINT.a", provenance="derived", source="test", statement="a", printed=1)
def a(p, profile):
    _log("a"); return _ok("a")

@claim("TINT.b", provenance="derived", source="test", statement="b", printed=1)
def b(p, profile):
    _log("b"); return _ok("b")

@claim("TINT.c", provenance="derived", source="test", statement="c", printed=1)
def c(p, profile):
    _log("c-start")
    if os.environ.get("TC_TEST_BLOCK"):
        time.sleep(120)
    _log("c-done"); return _ok("c")
'''


def test_ctrl_c_then_rerun_resumes(tmp_path):
    f = tmp_path / "int_claims.py"
    f.write_text(INTERRUPT_CLAIMS)
    log = tmp_path / "log.txt"
    env = {**os.environ, "TC_TEST_LOG": str(log), "TC_TEST_BLOCK": "1"}
    cmd = [sys.executable, "-m", "theorycheck", "verify", "--claims", str(f), "--only", "TINT",
           "--store", str(tmp_path / "store")]
    # SIGINT back to its default in the child: pytest itself may run with SIGINT ignored (started
    # in the background by a shell), and a child would inherit that and never see the Ctrl-C
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # wait for the marker: each poll waits on the subprocess (which raises TimeoutExpired while it
    # runs); a bounded number of polls, no assertion on elapsed time
    for _ in range(1200):
        if log.exists() and "c-start" in log.read_text():
            break
        try:
            p.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        out, err = p.communicate()
        pytest.fail(f"verify exited (rc {p.returncode}) before claim c started:\n{err}")
    else:
        p.kill()
        p.communicate()
        pytest.fail("claim c never started (no c-start marker after 1200 polls)")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "interrupted" in err and "resume" in err
    assert log.read_text().split() == ["a", "b", "c-start"]
    env.pop("TC_TEST_BLOCK")
    p2 = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert p2.returncode == 0, p2.stderr
    # a and b were not recomputed: only c ran again
    assert log.read_text().split() == ["a", "b", "c-start", "c-start", "c-done"]
    assert "2 reused from the store" in p2.stdout


def test_progress_is_quiet_off_terminal(capsys):
    c = _claim()
    st.run_with_store([c], store=None, progress=Progress())
    cap = capsys.readouterr()
    assert cap.err == "" and cap.out == ""


def test_progress_shows_claim_and_estimate(tmp_path):
    s = st.Store(tmp_path)
    c1, c2 = _claim("TSTORE.p1"), _claim("TSTORE.p2")
    st.run_with_store([c1], store=s)
    buf = io.StringIO()
    st.run_with_store([c1, c2], store=st.Store(tmp_path), fresh=True, progress=Progress(stream=buf, enabled=True))
    text = buf.getvalue()
    assert "[1/2] TSTORE.p1" in text and "[2/2] TSTORE.p2" in text
    assert "left" in text and "never timed" in text  # p2 has no past timing
    assert st.Store(tmp_path).past_seconds("TSTORE.p1", "quick") is not None


def test_progress_remaining_uses_past_timings():
    p = Progress(stream=io.StringIO(), enabled=True)
    p.plan(3, 0, {"x": 10.0, "y": 50.0, "z": None})
    secs, unknown = p.remaining()
    assert unknown == 1 and secs == pytest.approx(10 + 50 + 30)  # z counted as the median of the known
    p.start("x"); p.done("x", 9.0)
    assert p.remaining()[0] == pytest.approx(50 + 30)
    assert fmt_seconds(5) == "5s" and fmt_seconds(125) == "2m05s" and fmt_seconds(3720) == "1h02m"


def test_track_passes_items_through():
    buf = io.StringIO()
    assert list(track(range(5), label="sweep", stream=buf, enabled=True, every=0)) == list(range(5))
    assert "sweep 5/5" in buf.getvalue()
    quiet = io.StringIO()
    assert list(track([1, 2], stream=quiet)) == [1, 2] and quiet.getvalue() == ""


def test_cli_fresh_and_no_store(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text(textwrap.dedent("""
        from theorycheck.core.registry import claim
        from theorycheck.core.result import Result, Verdict
        @claim('TCLI.t1', provenance='derived', source='me', statement='1+1=2', printed=2)
        def t1(p, profile):
            return Result(Verdict.HOLDS if 1 + 1 == p else Verdict.INCONCLUSIVE, 'computed 1+1', 'exact')
    """))
    base = [sys.executable, "-m", "theorycheck", "verify", "--claims", str(f), "--only", "TCLI", "--store", str(tmp_path / "s")]
    r1 = subprocess.run(base, capture_output=True, text=True)
    r2 = subprocess.run(base, capture_output=True, text=True)
    r3 = subprocess.run(base + ["--fresh"], capture_output=True, text=True)
    assert r1.returncode == r2.returncode == r3.returncode == 0, r1.stderr + r2.stderr + r3.stderr
    assert "reused" not in r1.stdout and "1 reused from the store" in r2.stdout and "reused" not in r3.stdout
    assert r1.stderr == ""  # not a terminal: no progress output


def test_unwritable_store_still_gives_results(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    (o,) = st.run_with_store([_claim()], store=st.Store(blocker / "store"))
    assert o.verdict is Verdict.HOLDS
    assert "could not store TSTORE.one" in capsys.readouterr().err


# --- staleness of user claims, first-run estimates (report/CLI area) ----------------------------

HELPER_CLAIM = '''
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict
import tc_helper_mod

@claim("TSTALE.a", provenance="derived", source="test", statement="helper's constant is 2", printed=2)
def a(p, profile):
    v = tc_helper_mod.CONSTANT
    return Result(Verdict.HOLDS if v == p else Verdict.CORRECTED, f"helper gives {v}", "exact",
                  correction=None if v == p else f"it is {v}")
'''


def test_user_claim_key_covers_the_helper_modules_it_imports(tmp_path):
    """Editing a helper module that a --claims file imports makes verify recompute the claim."""
    d = tmp_path / "mine"
    d.mkdir()
    (d / "claims_file.py").write_text(HELPER_CLAIM)
    (d / "tc_helper_mod.py").write_text("from tc_helper_sub import BASE\nCONSTANT = BASE + 1\n")
    (d / "tc_helper_sub.py").write_text("BASE = 1\n")
    env = {**os.environ, "PYTHONPATH": str(d) + os.pathsep + str(Path(__file__).resolve().parents[1])}
    cmd = [sys.executable, "-m", "theorycheck", "verify", "--claims", str(d / "claims_file.py"), "--only", "TSTALE",
           "--store", str(tmp_path / "store"), "--json", "-"]

    def verdict():
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, p.stderr
        (c,) = json.loads(p.stdout)["claims"]
        return c["verdict"], c["cached"]

    assert verdict() == ("holds", False)
    assert verdict() == ("holds", True)
    (d / "tc_helper_sub.py").write_text("BASE = 2\n")  # two imports away from the claim file
    assert verdict() == ("corrected", False)
    assert verdict() == ("corrected", True)


def test_source_closure_of_a_plugin_package_follows_its_own_modules(tmp_path, monkeypatch):
    pkg = tmp_path / "tcplug"
    (pkg / "claims").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "util.py").write_text("import numpy\nX = 1\n")
    (pkg / "claims" / "__init__.py").write_text("")
    (pkg / "claims" / "mod.py").write_text("from ..util import X\nfrom tcplug import util\nimport os\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    importlib.import_module("tcplug.claims.mod")
    files = {p.relative_to(tmp_path).as_posix() for p in st.source_closure(pkg / "claims" / "mod.py", "tcplug.claims.mod")}
    assert files == {"tcplug/__init__.py", "tcplug/util.py", "tcplug/claims/__init__.py", "tcplug/claims/mod.py"}


def test_first_run_estimates_come_from_recorded_timings(tmp_path):
    c1, c2 = _claim("TSTORE.f1"), _claim("TSTORE.f2")
    buf = io.StringIO()
    prog = Progress(stream=buf, enabled=True, fallback={"TSTORE.f1": 40.0, "TSTORE.f2": 80.0})
    st.run_with_store([c1, c2], store=st.Store(tmp_path), progress=prog)
    text = buf.getvalue()
    import re

    assert re.search(r"\[1/2\] TSTORE.f1  ~(2m00s|1m5\ds) left \(first run: times recorded in docs/results.json\)", text)
    assert "never timed" not in text and "unknown" not in text
    rec = st.recorded_seconds()
    assert rec and all(v >= 0 for v in rec.values())  # docs/results.json has a time for each claim
    assert st.recorded_seconds(tmp_path / "missing.json") == {}
