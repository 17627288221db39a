"""K24 appendix A.2: counts c, n, d of the Random Heavy-Tailed Labels data set for m = 7, 8, 11.

Run: ``python proofs/k24_data.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.A2.data"]))
