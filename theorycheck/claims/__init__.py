"""Built-in claims, one folder per paper, one file per result or group of results:

* ``k24``: Kunstner et al., "Heavy-Tailed Class Imbalance and Why Adam Outperforms Gradient
  Descent on Language Models" (NeurIPS 2024);
* ``y25``: Yadav et al., "Provable Benefit of Sign Descent: A Minimal Model Under Heavy-Tailed
  Class Imbalance" (2025);
* ``t26``: Tao et al., "When and Why SignSGD Outperforms SGD" (2026);
* ``x24``: Xie et al., "Adam Exploits ell_inf-geometry of Loss Landscape via Coordinate-wise
  Adaptivity" (ICLR 2025);
* ``y26``: Yu et al., "Sign-Based Optimizers Are Effective Under Heavy-Tailed Noise" (2026);
* ``ext``: the package's own statements (no paper behind them).

Every module below is imported by :func:`theorycheck.core.registry.load_builtin` and registers
its claims with :func:`theorycheck.claim`. Modules whose name starts with ``_`` hold shared
helpers and are not scanned.
"""
