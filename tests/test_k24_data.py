"""K24.H.zipf and K24.A2.data: the printed statements and wrong variants."""

import mpmath
import pytest
import sympy as sp

from theorycheck.claims.k24 import data as m
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict

c = sp.Symbol("c", positive=True)


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


# --- K24.H.zipf --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zipf_printed():
    return m.check_zipf(m.printed_zipf(), "quick")


def test_zipf_printed(zipf_printed):
    r = zipf_printed
    assert _parts(r) == {"sum_equality": "corrected", "asymptotic": "sharpened", "pi_c_bound": "corrected"}
    rows = {row["c"]: row for row in r.evidence["sum_equality"]["rows"]}
    # the two printed sums at c = 10^7 (harmonic numbers to 50 digits)
    assert rows[10**7]["ceil_middle_upper"] == 38493 and rows[10**7]["ceil_first_upper"] == 620421
    assert abs(float(rows[10**7]["H(middle)/H(c)"]) - 0.666981291678929) < 1e-12
    assert r.evidence["sum_equality"]["float_cross_check_max_rel"] <= tol.FLOAT64_REL


def test_zipf_consistent_upper_index_holds():
    pr = m.printed_zipf()
    pr["first_sum_upper"] = c / sp.log(c) ** 2
    assert _parts(m.check_zipf(pr, "quick"))["sum_equality"] == "holds"


@pytest.mark.parametrize("key,wrong", [
    ("theta_of", (sp.log(c) - 2 * sp.log(sp.log(c))) / sp.log(c) ** 2),   # wrong exponent
    ("limit", sp.Rational(1, 2)),                                           # wrong limit
])
def test_zipf_rejects_wrong_asymptotics(key, wrong):
    pr = m.printed_zipf()
    pr[key] = wrong
    assert _parts(m.check_zipf(pr, "quick"))["asymptotic"] == "corrected"


def test_zipf_wrong_limit_is_refuted_with_counterexample():
    pr = m.printed_zipf()
    pr["limit"] = sp.Rational(1, 2)
    eq = m.check_zipf(pr, "quick").evidence["asymptotic"]["limit_equality"]
    assert eq["status"] == "refuted" and "counterexample" in eq


def test_zipf_weaker_bound_holds():
    pr = m.printed_zipf()
    pr["pi_c_lower_bound"] = sp.log(c) / 2
    assert _parts(m.check_zipf(pr, "quick"))["pi_c_bound"] == "holds"


def test_harmonic_matches_definition_and_rejects_bad_n():
    with mpmath.workdps(60):
        assert abs(m.harmonic(10) - mpmath.mpf(7381) / 2520) < mpmath.mpf(10) ** -45
    assert abs(m.harmonic_float(1000) - float(m.harmonic(1000))) < 1e-13
    with pytest.raises(ValueError, match="n:"):
        m.harmonic(-1)


# --- K24.A2.data -------------------------------------------------------------------------------

def test_data_printed_class_count_is_wrong():
    r = m.check_data(m.printed_data(), "quick")
    assert _parts(r) == {"c": "corrected", "c_values": "corrected", "n": "holds", "n_values": "holds", "d": "holds",
                         "built_data": "holds"}
    assert r.evidence["c"]["strength"] == "proved"  # c = 2^m - 1 for every m (symbolic sum over the groups)
    rows = {row["m"]: row for row in r.evidence["c"]["rows"]}
    assert (rows[7]["built"], rows[8]["built"], rows[11]["built"]) == (127, 255, 2047)
    nrows = {row["m"]: row["built"] for row in r.evidence["n"]["rows"]}
    assert nrows == {7: 896, 8: 2048, 11: 22528}
    assert "2**m - 1" in r.correction and "count for m + 1 groups" in r.correction


def test_data_corrected_formula_holds():
    pr = m.printed_data()
    msym = sp.Symbol("m", positive=True, integer=True)
    pr["c"] = 2 ** msym - 1
    pr["variants"] = {11: {"n": 22528, "d": 24576, "c": 2047}, 8: {"n": 2048, "d": 2304, "c": 255}}
    assert m.check_data(pr, "quick").verdict is Verdict.HOLDS


def test_data_rejects_wrong_n():
    pr = m.printed_data()
    msym = sp.Symbol("m", positive=True, integer=True)
    pr["n"] = (msym + 1) * 2 ** msym
    assert _parts(m.check_data(pr, "quick"))["n"] == "corrected"
    pr = m.printed_data()
    pr["variants"] = {8: {"n": 2304, "d": 2304, "c": 511}}
    assert _parts(m.check_data(pr, "quick"))["n_values"] == "corrected"


def test_data_large_printed_m_is_counted_not_built():
    pr = m.printed_data()
    pr["m_values"] = (7, 34)  # m = 34 would be 5.8e11 rows if built
    r = m.check_data(pr, "quick")
    rows = {row["m"]: row["built"] for row in r.evidence["c"]["rows"]}
    assert rows[34] == 2**34 - 1
    nrows = {row["m"]: row["built"] for row in r.evidence["n"]["rows"]}
    assert nrows[34] == 34 * 2**34
    assert _parts(r)["c"] == "corrected"


def test_group_counts_match_built_data_and_reject_bad_m():
    from theorycheck.models import datasets

    for mm in (1, 5, 9):
        assert m.group_counts(mm) == {k: v for k, v in datasets.heavy_tailed_counts(mm).items() if k in ("c", "n")}
    for bad in (0, -1, 2.5, m.DATA_COUNT_MAX_M + 1):
        with pytest.raises(ValueError, match="m"):
            m.group_counts(bad)
    pr = m.printed_data()
    pr["m_values"] = (10**6,)
    with pytest.raises(ValueError, match="m_values"):
        m.check_data(pr, "quick")


def test_data_correction_follows_the_statement():
    pr = m.printed_data()
    msym = sp.Symbol("m", positive=True, integer=True)
    pr["c"] = 2 ** (msym - 1) - 1
    r = m.check_data(pr, "quick")
    assert "not 2**(m - 1) - 1" in r.correction and "count for m + 1 groups" not in r.correction
