"""The papers whose claims the package checks, cited by authors, title and venue.

Claim sources, the report and the README cite papers through :func:`cite` (never by a file of
this repository, which a reader of an installed package does not have).
"""

from __future__ import annotations

#: paper key (the prefix of its claim IDs) -> (authors, title, venue and year)
PAPERS: dict[str, tuple[str, str, str]] = {
    "K24": ("Kunstner, Yadav, Milligan, Schmidt, Bietti",
            "Heavy-Tailed Class Imbalance and Why Adam Outperforms Gradient Descent on Language Models",
            "NeurIPS 2024"),
    "Y25": ("Yadav, Xie, Wang, Li",
            "Provable Benefit of Sign Descent: A Minimal Model Under Heavy-Tailed Class Imbalance", "2025"),
    "T26": ("Tao, Yu, Zhang",
            "When and Why SignSGD Outperforms SGD: A Theoretical Study Based on l1-norm Lower Bounds", "2026"),
    "X24": ("Xie, Mohamadi, Li",
            "Adam Exploits l_inf-geometry of Loss Landscape via Coordinate-wise Adaptivity", "ICLR 2025"),
    "Y26": ("Yu, Tao, Wan, Luo, Zhang", "Sign-Based Optimizers Are Effective Under Heavy-Tailed Noise",
            "arXiv 2602.07425, 2026"),
    "HH08": ("Hoorfar, Hassani", "Inequalities on the Lambert W function and hyperpower function",
             "J. Inequalities in Pure and Applied Mathematics 9(2), 2008"),
    "EXT": ("theorycheck", "statements derived by this package (no paper)", ""),
}


def cite(key: str, where: str | None = None) -> str:
    """``Authors, "Title" (venue)``, followed by ``, where`` when given (a section, a figure).

    >>> cite("K24", "Lemma 5")
    'Kunstner, Yadav, Milligan, Schmidt, Bietti, "Heavy-Tailed Class Imbalance and Why Adam Outperforms Gradient Descent on Language Models" (NeurIPS 2024), Lemma 5'
    """
    if key not in PAPERS:
        raise ValueError(f"key: unknown paper {key!r}; known: {sorted(PAPERS)}")
    authors, title, venue = PAPERS[key]
    if key == "EXT":
        base = "theorycheck (derived; no paper)"
    else:
        base = f'{authors}, "{title}"' + (f" ({venue})" if venue else "")
    return f"{base}, {where}" if where else base


def short(key: str) -> str:
    """``Kunstner et al. (NeurIPS 2024)``: the short form for tables."""
    if key not in PAPERS:
        raise ValueError(f"key: unknown paper {key!r}; known: {sorted(PAPERS)}")
    authors, _, venue = PAPERS[key]
    first = authors.split(",")[0]
    return first if key == "EXT" else f"{first}{' et al.' if ',' in authors else ''} ({venue})"
