"""K24's further statements (issue 12): counts and settings of appendix A, Table 1 and the cross references,
figures 8/28, the last display of appendix H, the remarks of sections 2.2 and 3.3, appendix C.1's alignment,
appendix I's notation, and appendix G's figures 23(c) and 27. The table of every statement is docs/k24_statements.md.

Run: ``python proofs/k24_statements.py [--full]``
"""

from _run import main

IDS = ["K24.sec11.imbalance", "K24.sec21.mnist", "K24.sec22.orthogonal", "K24.sec33.remarks", "K24.A.counts",
       "K24.A2.imagenet", "K24.A3.models", "K24.A4.grid", "K24.A5.table1", "K24.xref", "K24.C1.alignment",
       "K24.fig8.caption", "K24.H.ratio", "K24.I.notation", "K24.fig23c", "K24.fig27"]

if __name__ == "__main__":
    raise SystemExit(main(IDS))
