"""K24's empirical claims reproduced by simulation on Random Heavy-Tailed Labels: figure 4,
figures 5/19, figure 7, appendix C.1, appendix C.2, appendix F.

Run: ``python proofs/k24_empirical.py [--full]`` (``--full``: m = 11, 3 seeds, a GPU advised)
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.fig4", "K24.fig5", "K24.fig7", "K24.C1", "K24.C2", "K24.F"]))
