"""Built-in claims. Every module here is imported by
:func:`theorycheck.registry.load_builtin` and registers its claims with
:func:`theorycheck.registry.claim`. One module per claim group, named after the paper
(``k24_*``, ``y25_*``, ``t26_*``, ``x24_*``, ``y26_*``, ``ext_*``)."""
