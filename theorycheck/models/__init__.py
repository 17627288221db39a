"""The mathematics, importable without the framework's runner: the softmax linear model
(symbolic and numeric kernels), Lambert W, gradient flow and sign flow, the unigram model of
Y25, separable quadratics of T26, the quadratics of X24, heavy-tailed noise of Y26, msign,
ell_inf smoothness tools and the data sets.

``models`` imports only from :mod:`theorycheck.core` (validation and tolerances).
"""
