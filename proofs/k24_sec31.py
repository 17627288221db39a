"""K24 section 3.1: GD closed form, GD step-size threshold, sign descent's independence of pi.

Run: ``python proofs/k24_sec31.py [--full]``
"""

from _run import main

if __name__ == "__main__":
    raise SystemExit(main(["K24.sec31"]))
