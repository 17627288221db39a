"""EXT.smoothness.*: exact (1,1)-norm of the softmax linear model's Hessian, the Cauchy sketch,
the relations between smoothness constants, their geometry along GD/Adam paths, the Hessian
block-trace diagonal; and K24.H1.fig8 (diagonal vs off-diagonal Hessian blocks along Adam's path).

Run: ``python proofs/ext_smoothness.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["EXT.smoothness", "K24.H1.fig8"]))
