"""T26 theorems 2 and 3 (lower bounds for SignSGD and SGD): consistency with the known upper bounds and the
rates measured on hard separable instances.

Run: ``python proofs/t26_lower_bounds.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["T26.thm2", "T26.thm3"]))
