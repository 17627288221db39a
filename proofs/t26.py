"""T26: every claim of the paper (T26.*), with verdicts and evidence.

Run: ``python proofs/t26.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["T26."]))
