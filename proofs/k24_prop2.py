"""K24 Proposition 2 (equations 1 and 2): gradient and Hessian blocks at initialisation and during training, the c -> infinity ratio and the 'c > 10^3' remark.

Run: ``python proofs/k24_prop2.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.prop2"]))
