"""K24 Theorem 3 end to end: lemmas 4-7 (gradient flow reduction, Lambert-W closed form, loss
bound, sign flow), the Hoorfar-Hassani bound on W, and the theorem itself.

Run: ``python proofs/k24_thm3.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.lemma4", "K24.lemma5", "K24.lemma6", "K24.lemma7", "K24.thm3", "HH08.lambertw"]))
