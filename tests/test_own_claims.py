"""Own claims: the README's example runs as is; entry-point discovery of claim modules."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "my_claims.py"
README = ROOT / "README.md"


def _verify(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--no-store", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_readme_contains_the_example_verbatim():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert EXAMPLE.read_text(encoding="utf-8") in blocks, "README.md must quote examples/my_claims.py verbatim"


def test_example_runs_from_the_command_line():
    p = _verify("--claims", "examples/my_claims.py", "--only", "MY", "--json", "-")
    assert p.returncode == 0, p.stderr
    (c,) = json.loads(p.stdout)["claims"]
    assert c["id"] == "MY.lemma1" and c["verdict"] == "holds"
    assert c["evidence"]["gap_at_critical_points"] == {"1": "0"}


@pytest.fixture(scope="module")
def lemma():
    from theorycheck.core import registry

    registry.load_file(EXAMPLE)
    return registry.get("MY.lemma1")


def test_example_rejects_wrong_variants(lemma):
    x = sp.Symbol("x", positive=True)
    assert lemma.run("quick").verdict.value == "holds"
    wrong_constant = lemma.run("quick", printed=x - 2).result
    assert wrong_constant.verdict.value == "fails" and wrong_constant.evidence["counterexample"]["where"] == "x = 1"
    halved = lemma.run("quick", printed=(x - 1) / 2).result  # log x <= (x-1)/2 is false at x = 2
    assert halved.verdict.value == "fails"
    flipped = lemma.run("quick", printed=1 - x).result
    assert flipped.verdict.value == "fails"
    assert lemma.run("quick", printed=x / 2).verdict.value == "holds"  # a true, different bound


def test_entry_point_group_is_discovered(tmp_path):
    site = tmp_path / "site"
    (site / "tc_ep_demo-0.1.dist-info").mkdir(parents=True)
    (site / "tc_ep_demo-0.1.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: tc-ep-demo\nVersion: 0.1\n")
    (site / "tc_ep_demo-0.1.dist-info" / "entry_points.txt").write_text("[theorycheck.claims]\ndemo = tc_ep_demo\n")
    (site / "tc_ep_demo.py").write_text(textwrap.dedent("""
        from theorycheck import Result, Verdict, claim

        @claim("EPDEMO.sum", provenance="derived", source="a plug-in package", statement="1 + 2 = 3", printed=3)
        def check(printed, profile):
            ok = 1 + 2 == printed
            return Result(Verdict.HOLDS if ok else Verdict.CORRECTED, "computed 1 + 2", "exact",
                          {"computed": 3, "claimed": printed}, correction=None if ok else "1 + 2 = 3")
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    ls = subprocess.run([sys.executable, "-m", "theorycheck", "list"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert ls.returncode == 0 and "EPDEMO.sum" in ls.stdout, ls.stderr
    p = _verify("--only", "EPDEMO", "--json", "-", env=env)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["claims"][0]["verdict"] == "holds"
