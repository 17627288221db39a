"""Beyond the papers: the simple setting in discrete time (exact reduced recurrence, GD rate and
collapse, sign descent and Adam spreads, normalized GD) and rotation (GD equivariant, Adam not).

Run: ``python proofs/ext_discrete.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["EXT.discrete", "EXT.rotation"]))
