"""Per-claim random streams, so that a claim's evidence never depends on what ran before it.

A check draws its randomness from :func:`claim_rng` keyed by its claim ID and by whatever else
identifies the draw (a seed index, a problem size), never from a global generator: the same
key gives the same stream in any process, in any order.
"""

from __future__ import annotations

import hashlib

import numpy as np


def claim_seed(claim_id: str, *keys) -> int:
    """A 63-bit seed: ``sha256(claim_id, keys...)`` (keys by their ``repr``)."""
    if not isinstance(claim_id, str) or not claim_id:
        raise ValueError(f"claim_id: must be a non-empty string, got {claim_id!r}")
    h = hashlib.sha256("\0".join([claim_id, *map(repr, keys)]).encode())
    return int.from_bytes(h.digest()[:8], "little") >> 1


def claim_rng(claim_id: str, *keys) -> np.random.Generator:
    """A numpy generator seeded by :func:`claim_seed` (``claim_rng("K24.fig4", "data", 0)``)."""
    return np.random.default_rng(claim_seed(claim_id, *keys))
