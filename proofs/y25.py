"""Y25: every claim of the paper (Y25.*), with verdicts and evidence.

Run: ``python proofs/y25.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["Y25."]))
