"""K24.A6.optim: the printed update rules, torch.optim and the package's simulator, step for step."""

from __future__ import annotations

import numpy as np
import pytest

from theorycheck.claims.k24 import appendix_a6_optim as a6
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import get
from theorycheck.core.result import Verdict


@pytest.mark.parametrize("kind", a6.DIRECTIONS)
@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_printed_rule_equals_torch_sgd_and_the_simulator(kind, beta):
    p = a6.printed_a6()
    mine = a6.run_printed(p, kind, a6.STEPS[kind], beta, 12)
    assert a6._rel(mine, a6.run_torch(kind, a6.STEPS[kind], beta, 12)) <= tol.SIM_FLOAT64_REL
    assert a6._rel(a6.run_package(kind, a6.STEPS[kind], beta, 12), mine) <= tol.SIM_FLOAT64_REL


def test_printed_adam_equals_torch_adam():
    p = a6.printed_a6()
    for case in a6.ADAM_CASES:
        assert a6._rel(a6.run_printed_adam(p, 1e-2, *case, 12), a6.run_torch("gd", 1e-2, 0.0, 12, case)) <= tol.SIM_FLOAT64_REL


def test_dampened_momentum_is_told_apart():
    _, _, b = a6._ab()
    p = {**a6.printed_a6(), "d_coef": 1 - b}
    mine = a6.run_printed(p, "gd", 0.5, 0.9, 12)
    assert a6._rel(mine, a6.run_torch("gd", 0.5, 0.9, 12)) > 1e3 * tol.SIM_FLOAT64_REL


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="directions"):
        a6.direction("g/|g|", np.ones(2), np.ones(1))
    with pytest.raises(ValueError, match="m0"):
        a6.run_printed({**a6.printed_a6(), "m0": "ones"}, "gd", 0.1, 0.0, 2)


def test_correction_follows_the_statement():
    r = get("K24.A6.optim").run("quick", printed={**a6.printed_a6(), "m0": "g"}).result
    assert r.verdict is Verdict.CORRECTED and "m_0 = 0" in r.correction
