"""K24 appendix H: with pi_k = 1/(k H(c)) most data comes from classes where the correlation holds (harmonic sums to c = 1e7, asymptotics).

Run: ``python proofs/k24_zipf.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.H.zipf"]))
