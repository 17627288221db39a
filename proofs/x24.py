"""X24: every claim of the group, and EXT.x24_on_k24 (X24's measurements on K24's model, formerly
X24.k24), with verdicts, corrections and evidence.

Run: ``python proofs/x24.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["X24", "EXT.x24_on_k24"]))
