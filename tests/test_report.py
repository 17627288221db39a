"""The report: sections, per-paper counts, errata, MathML, embedded figures, offline page.

The fixtures (unregistered claims with every verdict, a PNG written with the standard library)
are shared with tests/test_browser.py.
"""

import base64
import re
import struct
import zlib
from pathlib import Path

import pytest

from theorycheck.app import cli, report
from theorycheck.core.registry import Claim
from theorycheck.core.result import Result, Verdict


def tiny_png(path: Path, w: int = 24, h: int = 16) -> Path:
    """Write a small valid RGB PNG (a gradient) with the standard library only."""
    raw = b"".join(b"\x00" + b"".join(bytes((x * 10 % 256, y * 15 % 256, 128)) for x in range(w)) for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path


def _printed():
    import sympy as sp

    a, p = sp.symbols("alpha pi_1", positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    return {"threshold": 2 / p, "closed_form": (1 - a * p) ** t, "flag": False, "exponent": 3}


def _never_called(printed, profile):  # the fixtures carry ready-made outcomes
    raise AssertionError("not run in these tests")


def fixture_claims(figure: Path):
    return [
        Claim("ZZA.holds", "Fixture paper A, Lemma 1", "x = x", _never_called, printed=_printed,
              tags=(f"figure:{figure}",)),
        Claim("ZZA.corr", "Fixture paper A, Eq. (3)", "1/pi_1 is the threshold", _never_called, printed=_printed),
        Claim("ZZB.fails", "Fixture paper B, Thm 2", "every x > 0 has x < 1", _never_called, printed=lambda: 7),
        Claim("ZZB.sharp", "Fixture paper B, Prop 1", "a = Theta(c)", _never_called, printed=None,
              tags=("figure:does/not/exist.png",)),
        Claim("ZZB.notrun", "Fixture paper B, Cor 3", "never checked", _never_called),
    ]


def fixture_outcomes():
    def o(cid, r, seconds=0.5, **kw):
        return {"id": cid, "source": "", "statement": "", **r.to_dict(), "seconds": seconds, **kw}

    return [
        o("ZZA.holds", Result(Verdict.HOLDS, "identity proved", "symbolic", {"residual": "0", "tolerance": 1e-20})),
        o("ZZA.corr", Result(Verdict.CORRECTED, "threshold is 2/pi_1", "symbolic",
                             {"part_ok": {"verdict": "holds", "finding": "fine", "x": 1},
                              "threshold": {"verdict": "corrected", "finding": "2/pi_1 not 1/pi_1", "claimed": "1/pi_1",
                                            "computed": "2/pi_1"}},
                             correction="the threshold is 2/pi_1"), cached=True, stored_at="2026-01-01T00:00:00+00:00"),
        o("ZZB.fails", Result(Verdict.FAILS, "x = 2 violates it", "exact", {"counterexample": {"x": 2}})),
        o("ZZB.sharp", Result(Verdict.SHARPENED, "a ~ c/2", "numeric", {"ratio": [0.49, 0.499]}, correction="a ~ c/2")),
    ]


# --- tests -------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def written(tmp_path):
    fig = tiny_png(tmp_path / "figs" / "fixture.png")
    claims = fixture_claims(fig)
    h, m = report.write_report(claims, fixture_outcomes(), tmp_path / "out", figures_dir=tmp_path / "figs")
    return h.read_text(encoding="utf-8"), m.read_text(encoding="utf-8"), tmp_path


def test_sections_and_counts_per_paper(written):
    html, md, _ = written
    for sec in ("summary", "errata", "claims", "environment"):
        assert f'<section id="{sec}">' in html
    summary = html.split('<section id="summary">')[1].split("</section>")[0]
    row_a = re.search(r'<tr data-paper="ZZA">(.*?)</tr>', summary).group(1)
    assert '<td data-verdict="holds">1</td>' in row_a and '<td data-verdict="corrected">1</td>' in row_a
    row_b = re.search(r'<tr data-paper="ZZB">(.*?)</tr>', summary).group(1)
    for v in ("fails", "sharpened", "not run"):
        assert f'<td data-verdict="{v}">1</td>' in row_b
    # columns: the verdicts that occur, in VERDICT_ORDER
    assert "| paper | holds | sharpened | corrected | fails | not run | total |" in md
    assert "| ZZA | 1 | 0 | 1 | 0 | 0 | 2 |" in md and "| ZZB | 0 | 1 | 0 | 1 | 1 | 3 |" in md


def test_errata_list_exactly_the_rejected_claims(written):
    html, md, _ = written
    errata = html.split('<section id="errata">')[1].split('<section id="claims">')[0]
    ids = re.findall(r'class="erratum" data-claim-id="([^"]+)"', errata)
    assert ids == ["ZZA.corr", "ZZB.fails"]
    assert "the threshold is 2/pi_1" in errata and "1/pi_1 is the threshold" in errata
    # decisive evidence: the rejecting part, not the part that held
    assert "2/pi_1 not 1/pi_1" in errata and "part_ok" not in errata
    assert "counterexample" in errata
    assert "### ZZA.corr (corrected)" in md and "### ZZB.fails (fails)" in md


def test_every_claim_has_its_section(written):
    html, md, _ = written
    for c in fixture_claims(Path("x.png")):
        assert f'data-claim-id="{c.id}"' in html and f"### {c.id} (" in md
        assert f"theorycheck verify --only {c.id} --fresh -v" in html
    assert "reused from the results store, computed 2026-01-01" in html
    assert "not run yet" in html


def test_math_is_mathml_and_figures_are_embedded(written):
    html, md, tmp = written
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') >= 4
    assert "<mfrac>" in html and "<msup>" in html
    assert "$\\frac{2}{\\pi_{1}}$" in md
    imgs = re.findall(r'<img src="([^"]+)"', html)
    assert len(imgs) == 1 and imgs[0].startswith("data:image/png;base64,")
    assert base64.b64decode(imgs[0].split(",", 1)[1]) == (tmp / "figs" / "fixture.png").read_bytes()
    assert 'data-missing-figure="does/not/exist.png"' in html and "Figure not found: `does/not/exist.png`" in md
    assert "![" in md and (tmp / "out" / "figures" / "fixture.png").is_file()


def test_page_needs_no_network(written):
    html, _, _ = written
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html)
    assert refs and all(r.startswith(("data:", "#")) for r in refs), refs
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html


def test_printed_forms_of_any_kind():
    import sympy as sp

    fx = fixture_claims(Path("x.png"))
    assert [k for k, _ in report.printed_forms(fx[0])] == ["threshold", "closed_form", "flag", "exponent"]
    assert report.printed_forms(fx[2]) == [("", 7)] and report.printed_forms(fx[3]) == []
    broken = Claim("ZZ.broken", "s", "t", _never_called, printed=lambda: 1 / 0)
    (label, val), = report.printed_forms(broken)
    assert "ZeroDivisionError" in val
    assert report.mathml(sp.Symbol("x") ** 2).startswith("<math")
    nested = report._value_html({"part": {"bound": sp.Symbol("c") / 2, "n": 3}, "plain": [1, 2]})
    assert nested.count("<math") == 1 and "<mfrac>" in nested


def test_decisive_evidence_without_parts_is_the_whole_evidence():
    assert report.decisive_evidence({"evidence": {"a": 1}}) == {"a": 1}


def test_figures_found_generically(tmp_path):
    figs = tmp_path / "figures"
    tiny_png(figs / "ZZA.holds.png")
    tiny_png(figs / "ZZA.holds--extra.png")
    tiny_png(figs / "ZZA.holdsX.png")  # another ID: not attached
    c = Claim("ZZA.holds", "s", "t", _never_called, tags=("figure:a.png",))
    report.register_figures("ZZA", "b.png")
    try:
        names = report.figure_paths(c, {"evidence": {"part": {"figures": ["c.png"]}}}, figs)
    finally:
        report._FIGURES.pop("ZZA")
    assert names[:3] == ["c.png", "a.png", "b.png"]
    assert [Path(n).name for n in names[3:]] == ["ZZA.holds--extra.png", "ZZA.holds.png"]
    # figures/index.json links plot files to claims by ID prefix
    tiny_png(figs / "some_plot.png")
    (figs / "index.json").write_text('{"ZZA": ["some_plot.png"], "ZZB": ["other.png"]}')
    names = report.figure_paths(c, None, figs)
    assert [Path(n).name for n in names] == ["a.png", "some_plot.png", "ZZA.holds--extra.png", "ZZA.holds.png"]
    (figs / "index.json").write_text('{"ZZA": "some_plot.png"}')
    with pytest.raises(ValueError, match="^figures:"):
        report.figure_paths(c, None, figs)


def test_cli_report_from_results_covers_every_registered_claim(tmp_path):
    from theorycheck.core import registry

    res = tmp_path / "r.json"
    assert cli.main(["verify", "--only", "K24.sec31", "--json", str(res), "--store", str(tmp_path / "s")]) == 0
    out = tmp_path / "rep"
    assert cli.main(["report", "--out", str(out), "--results", str(res)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    for c in registry.all_claims():
        assert f'data-claim-id="{c.id}"' in html
    assert "K24.sec31" in html.split('<section id="errata">')[1].split('<section id="claims">')[0]


def test_cli_report_runs_through_the_store(tmp_path, capsys):
    args = ["report", "--only", "K24.sec31", "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o")]
    assert cli.main(args) == 0
    first = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert 'data-claim-id="K24.sec31"' in first and "reused from the results store" not in first
    assert cli.main(args) == 0
    assert "reused from the results store" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert str(tmp_path / "o" / "report.md") in capsys.readouterr().out
