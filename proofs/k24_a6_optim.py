"""K24 appendix A.6: the update rules of GD, normalized GD and sign descent with heavy-ball momentum, and
Adam, against Polyak's heavy ball, torch.optim and the package's simulator.

Run: ``python proofs/k24_a6_optim.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.A6.optim"]))
