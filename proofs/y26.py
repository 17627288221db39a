"""Y26: every claim of the group, with verdicts, corrections and evidence.

Run: ``python proofs/y26.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["Y26"]))
