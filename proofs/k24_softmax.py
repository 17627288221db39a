"""K24 equation 4 and appendix H.1: per-sample gradient and Hessian blocks of the softmax linear model, off-diagonal blocks, diagonal dominance of T = Tr(H_jk).

Run: ``python proofs/k24_softmax.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.eq4", "K24.H1"]))
