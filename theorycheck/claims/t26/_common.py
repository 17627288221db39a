"""T26 (Tao, Yu, Zhang 2026): shared helpers of the T26 claim modules (citation, step-size grid).

Only a news summary of T26 is in the seeds: every statement was transcribed from public
descriptions of the paper (provenance ``seed-abstract``); a rejected statement may be a slip of the
transcription rather than of the paper.
"""

from __future__ import annotations

from theorycheck.core.papers import cite

#: The paper's step-size grid for the synthetic experiments: 10^-2 .. 10^-8.
PAPER_GRID = tuple(10.0 ** -k for k in range(2, 9))


def src(where: str) -> str:
    """The citation of T26 at ``where``."""
    return cite("T26", where)


def _sp():
    import sympy as sp

    return sp
