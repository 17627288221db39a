"""The registry, results, symbolic decisions, validation and the CLI."""

import json
import subprocess
import sys

import pytest
import sympy as sp

from theorycheck.core import registry, validation
from theorycheck.core.result import Result, Verdict, combine, jsonable
from theorycheck.core.symcheck import prove_equal, prove_zero


def test_result_refuses_misleading_results():
    with pytest.raises(ValueError, match="correction"):
        Result(Verdict.CORRECTED, "x", "symbolic")
    with pytest.raises(ValueError, match="counterexample"):
        Result(Verdict.FAILS, "x", "numeric")
    with pytest.raises(ValueError, match="finding"):
        Result(Verdict.HOLDS, " ", "numeric")
    with pytest.raises(ValueError, match="method"):
        Result(Verdict.HOLDS, "x", "guess")
    with pytest.raises(ValueError, match="correction"):
        Result(Verdict.HOLDS, "x", "numeric", correction="y")


def test_combine_precedence():
    h = Result(Verdict.HOLDS, "ok", "symbolic")
    i = Result(Verdict.INCONCLUSIVE, "?", "numeric")
    c = Result(Verdict.CORRECTED, "off", "symbolic", correction="fixed")
    f = Result(Verdict.FAILS, "no", "numeric", evidence={"counterexample": {"x": 1}})
    assert combine({"a": h, "b": h}).verdict is Verdict.HOLDS
    assert combine({"a": h, "b": i}).verdict is Verdict.INCONCLUSIVE
    r = combine({"a": h, "b": c, "d": i})
    assert r.verdict is Verdict.CORRECTED and "fixed" in r.correction
    assert combine({"a": c, "b": f}).verdict is Verdict.FAILS


def test_jsonable_handles_nonfinite_and_sympy():
    import numpy as np

    out = jsonable({"a": float("inf"), "b": np.float64(2.5), "c": sp.Symbol("x") + 1, "d": np.arange(2)})
    assert out == {"a": "inf", "b": 2.5, "c": "x + 1", "d": [0, 1]}
    json.dumps(out, allow_nan=False)


def test_prove_zero_three_outcomes():
    x, y = sp.symbols("x y", positive=True)
    assert prove_zero(sp.log(x * y) - sp.log(x) - sp.log(y)).proved
    r = prove_equal((x + 1) ** 2, x**2 + 1)
    assert r.refuted and r.counterexample is not None
    # W(x) e^{W(x)} = x is true but SymPy cannot reduce it: undecided, never proved
    w = sp.LambertW(x)
    r1 = prove_zero(sp.exp(w) * w - x)
    assert r1.status == "undecided" and r1.max_rel_residual < 1e-40
    # a perturbation below the refutation threshold stays undecided (not a pass either)
    r2 = prove_zero(sp.exp(w) * w - x + sp.Rational(1, 10**30))
    assert r2.status == "undecided"
    assert prove_zero(sp.exp(w) * w - x + sp.Rational(1, 1000)).refuted


def test_select_prefix_and_unknown():
    ids = [c.id for c in registry.select(["K24.sec"])]
    assert ids == ["K24.sec31"]
    with pytest.raises(ValueError, match="only"):
        registry.select(["NOPE"])


@pytest.mark.parametrize(
    "fn,arg,name",
    [
        (validation.check_classes, 1, "c"),
        (validation.check_classes, float("nan"), "c"),
        (validation.check_probability_vector, [0.5, 0.6], "pi"),
        (validation.check_probability_vector, [1.0, 0.0], "pi"),
        (validation.check_probability_vector, [0.5, float("nan")], "pi"),
        (validation.check_time, -1.0, "t"),
        (validation.check_step, 0.0, "step"),
        (validation.check_frequency, 1.5, "pi"),
    ],
)
def test_validation_names_the_parameter(fn, arg, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        fn(arg)


def test_cli_verify_json_and_strict(tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "K24.sec31", "--json", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    (c,) = data["claims"]
    assert set(c) >= {"id", "source", "verdict", "method", "statement", "correction", "evidence", "seconds"}
    assert "ID" in p.stdout and "K24.sec31" in p.stdout
    p2 = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "K24.sec31", "--strict"],
                        capture_output=True, text=True)
    assert p2.returncode == (1 if c["verdict"] in ("corrected", "fails", "inconclusive") else 0)


def test_cli_unknown_claim_is_an_error():
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "ZZZ"], capture_output=True, text=True)
    assert p.returncode == 2 and "ZZZ" in p.stderr


def test_user_claim_file(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text(
        "from theorycheck.core.registry import claim\n"
        "from theorycheck.core.result import Result, Verdict\n"
        "@claim('USER.t1', provenance='derived', source='me', statement='1+1=2', printed=2)\n"
        "def t1(p, profile):\n"
        "    return Result(Verdict.HOLDS if 1 + 1 == p else Verdict.INCONCLUSIVE, 'computed 1+1', 'exact')\n"
    )
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--claims", str(f), "--only", "USER", "--json", "-"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["claims"][0]["verdict"] == "holds"
