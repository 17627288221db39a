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
    figs = tmp_path / "figs"
    tiny_png(figs / "fixture.png")
    claims = fixture_claims(Path("fixture.png"))
    mut = {"profile": "quick", "counts": {"ZZA.corr": {"wrong": 4, "killed": 3, "stronger": 1, "accepted": 1}}}
    h, m = report.write_report(claims, fixture_outcomes(), tmp_path / "out", figures_dir=figs, mutants=mut)
    return h.read_text(encoding="utf-8"), m.read_text(encoding="utf-8"), tmp_path


def _section(html, cid):
    return re.search(rf'<section class="claim" id="{re.escape(cid)}".*?</section>', html, flags=re.S).group(0)


def test_sections_and_counts_per_paper(written):
    html, md, _ = written
    for sec in ("summary", "errata", "claims", "papers", "environment"):
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
    # statements and corrections are math: the source text survives as the formula's alttext
    assert "the threshold is" in errata and 'alttext="2/pi_1"' in errata and 'alttext="1/pi_1"' in errata
    assert "<mfrac>" in errata
    # decisive evidence: the rejecting part, not the part that held
    assert "not" in errata and "part_ok" not in errata
    assert "counterexample" in errata
    assert "### ZZA.corr (corrected)" in md and "### ZZB.fails (fails)" in md


def test_every_claim_has_its_section_with_id_strength_provenance_and_rerun(written):
    html, md, _ = written
    for c in fixture_claims(Path("x.png")):
        sec = _section(html, c.id)
        assert f'data-claim-id="{c.id}"' in sec and f"### {c.id} (" in md
        assert f"theorycheck verify --only {c.id} --fresh -v" in sec
        assert f'<span class="chip" title="provenance of the statement">{c.provenance}</span>' in sec
    assert 'title="strength of the evidence">exact-instances</span>' in _section(html, "ZZA.holds")
    assert "reused from the results store, computed 2026-01-01" in html
    assert "not run yet" in html
    # the kill count of the declared wrong variants, from the mutants file
    assert "3/4 declared wrong variants rejected, 1/1 stronger true variants accepted" in _section(html, "ZZA.corr")
    assert "killed 3/4" in _section(html, "ZZA.corr") and "killed" not in _section(html, "ZZA.holds")


def test_rerun_command_is_shell_quoted():
    import shlex

    odd = Claim("ZZQ.a$b;rm", "s", "t", _never_called)
    cmd = report.rerun_command(odd, "full")
    assert shlex.split(cmd) == ["theorycheck", "verify", "--only", "ZZQ.a$b;rm", "--profile", "full", "--fresh", "-v"]


def test_math_is_mathml_and_figures_are_embedded(written):
    html, md, tmp = written
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') >= 4
    assert "<mfrac>" in html and "<msup>" in html
    assert "$\\frac{2}{\\pi_{1}}$" in md
    imgs = re.findall(r'<img src="([^"]+)"', html)
    assert len(imgs) == 1 and imgs[0].startswith("data:image/png;base64,")
    assert base64.b64decode(imgs[0].split(",", 1)[1]) == (tmp / "figs" / "fixture.png").read_bytes()
    # the figure is in its claim's own section
    assert "<img " in _section(html, "ZZA.holds")
    assert 'data-missing-figure="does/not/exist.png"' in html
    assert "Figure refused: only plain file names" in html and "does/not/exist.png" in md
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


def test_evidence_tables_are_readable():
    h = report._ev_html({"ratios": [0.123456789, 2.0, 3, float("inf")], "rows": [{"c": 10, "ratio": 1 / 3},
                                                                              {"c": 100, "ratio": 0.5}],
                         "matrix": [[1, 2], [3, 4]], "mp": "0.23950000000000000000000000001"})
    assert '<table class="ev list">' in h and '<td class="num" title="0.123456789">0.1235</td>' in h
    assert '<table class="ev records"><tr><th>c</th><th>ratio</th></tr>' in h and ">0.3333<" in h
    assert '<table class="ev matrix">' in h
    assert 'title="0.23950000000000000000000000001"' in h
    long = report._ev_html(list(range(report.EVIDENCE_MAX_ROWS + 7)))
    assert "7 more" in long and long.count("<td") == report.EVIDENCE_MAX_ROWS


def test_figures_found_by_name_in_the_figure_folder_only(tmp_path):
    figs = tmp_path / "figures"
    tiny_png(figs / "ZZA.holds.png")
    tiny_png(figs / "ZZA.holds--extra.png")
    tiny_png(figs / "ZZA.holdsX.png")  # another ID: not attached
    c = Claim("ZZA.holds", "s", "t", _never_called, tags=("figure:a.png",))
    report.register_figures("ZZA", "b.png")
    try:
        names = report.figure_names(c, {"evidence": {"part": {"figures": ["c.png"]}}}, figs)
    finally:
        report._FIGURES.pop("ZZA")
    assert names == ["c.png", "a.png", "b.png", "ZZA.holds--extra.png", "ZZA.holds.png"]
    # figures/index.json links plot files to claims by ID prefix (whole components)
    tiny_png(figs / "some_plot.png")
    (figs / "index.json").write_text('{"ZZA": ["some_plot.png"], "ZZB": ["other.png"], "ZZA.hol": ["no.png"]}')
    assert report.figure_names(c, None, figs) == ["a.png", "some_plot.png", "ZZA.holds--extra.png", "ZZA.holds.png"]
    (figs / "index.json").write_text('{"ZZA": "some_plot.png"}')
    with pytest.raises(ValueError, match="^figures:"):
        report.figure_names(c, None, figs)


def test_registered_figures_appear_in_the_sections_of_their_claims(tmp_path):
    from theorycheck.app import plots
    from theorycheck.core import registry

    name, spec = next(iter(plots.FIGURES.items()))
    tiny_png(tmp_path / name)
    claims = [registry.get(cid) for cid in spec.claims]
    h, _ = report.write_report(claims, [], tmp_path / "out", figures_dir=tmp_path)
    html = h.read_text(encoding="utf-8")
    for cid in spec.claims:
        assert f'data-figure="{name}"' in _section(html, cid)


def test_figure_names_cannot_reach_outside_the_figure_folder(tmp_path):
    figs = tmp_path / "figs"
    tiny_png(figs / "ok.png")
    secret = tmp_path / "secret.png"
    tiny_png(secret)
    (figs / "link.png").symlink_to(secret)
    (figs / "fake.png").write_text("root:x:0:0:root:/root:/bin/bash\n")
    ok, why = report.resolve_figure("ok.png", figs)
    assert ok is not None and why is None
    for name in ("/etc/passwd", "../secret.png", str(secret), "sub/ok.png", ".hidden.png", "ok.txt", "..",
                 "link.png", "fake.png", "missing.png"):
        p, why = report.resolve_figure(name, figs)
        assert p is None and why, name


def test_results_read_back_cannot_inject_markup_or_embed_files(tmp_path):
    """Symbol names, verdicts, findings, evidence keys and figure names from a results file are
    text: the page has no element or attribute they did not come with, and /etc/passwd is not embedded."""
    import json
    from html.parser import HTMLParser

    import sympy as sp

    from theorycheck.core import registry

    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    x = sp.Symbol('<img src=x onerror=alert(3)>')
    f = tmp_path / "evil_claims.py"
    f.write_text(
        "import sympy as sp\n"
        "from theorycheck.core.registry import claim\n"
        "from theorycheck.core.result import Result, Verdict\n"
        f"@claim('ZZEVIL.a', provenance='derived', source={evil!r}, statement={evil!r},\n"
        f"       printed=lambda: {{'bound': sp.Symbol({x.name!r}) ** 2 + sp.Symbol('a&b</mi><script>x')}})\n"
        "def a(p, profile):\n"
        "    return Result(Verdict.HOLDS, 'ok', 'exact')\n")
    res = tmp_path / "r.json"
    res.write_text(json.dumps({"profile": "quick", "claims": [
        {"id": "ZZEVIL.a", "verdict": evil, "finding": evil, "method": evil, "strength": evil, "correction": evil,
         "seconds": 1, "stored_at": evil, "cached": True,
         "evidence": {evil: [evil, {evil: evil}], "figures": ["/etc/passwd", "../../etc/passwd", evil]}}]}))
    out = tmp_path / "rep"
    assert cli.main(["report", "--claims", str(f), "--only", "ZZEVIL", "--results", str(res), "--out", str(out),
                     "--figures", str(tmp_path)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    registry._REGISTRY.pop("ZZEVIL.a", None)

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs = set(), set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            self.attrs.update(k for k, _ in attrs)

    t = Tags()
    t.feed(page)
    assert "script" not in t.tags and "img" not in t.tags, t.tags  # the only figure names were refused
    assert not any(a.startswith("on") for a in t.attrs), t.attrs
    assert "root:" not in page and "/etc/passwd" in page  # named as refused, not embedded
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    md_text = re.sub(r"```json\n.*?\n```", "", md, flags=re.S)  # fenced blocks are literal text
    assert "<script" not in md_text and "<img" not in md_text
    assert not (out / "figures").exists()


def test_cli_report_from_results_covers_every_registered_claim(tmp_path):
    from theorycheck.core import registry

    res = tmp_path / "r.json"
    assert cli.main(["verify", "--only", "K24.sec31", "--json", str(res), "--store", str(tmp_path / "s")]) == 0
    out = tmp_path / "rep"
    assert cli.main(["report", "--out", str(out), "--results", str(res)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    for c in registry.all_claims():
        assert f'id="{c.id}"' in html
    assert "K24.sec31" in html.split('<section id="errata">')[1].split('<section id="claims">')[0]
    assert "Kunstner, Yadav, Milligan, Schmidt, Bietti" in html  # the paper, cited


def test_cli_report_runs_through_the_store(tmp_path, capsys):
    args = ["report", "--only", "K24.sec31", "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o")]
    assert cli.main(args) == 0
    first = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert 'data-claim-id="K24.sec31"' in first and "reused from the results store" not in first
    assert cli.main(args) == 0
    assert "reused from the results store" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert str(tmp_path / "o" / "report.md") in capsys.readouterr().out


@pytest.mark.parametrize("args,words", [
    (["--results", "NOPE.json"], "results: cannot read"),
    (["--results", "BAD.json"], "is not valid JSON"),
    (["--results", "WRONG.json"], "is not a `theorycheck verify --json` file"),
    (["--figures", "NODIR"], "figures: no such folder"),
    (["--mutants", "NOPE.json"], "mutants: no such file"),
    (["--only", ""], "only:"),
])
def test_cli_report_user_errors_are_one_line(tmp_path, capsys, args, words):
    (tmp_path / "BAD.json").write_text("{not json")
    (tmp_path / "WRONG.json").write_text('{"claims": [1, 2]}')
    args = [str(tmp_path / a) if a in ("NOPE.json", "BAD.json", "WRONG.json", "NODIR") else a for a in args]
    assert cli.main(["report", "--out", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err


# --- the plain-text math notation --------------------------------------------------------------

@pytest.mark.parametrize("text,must", [
    ("l_k(t) ~ (c-1)/(c pi_k t)", ["<msub><mi>l</mi><mi>k</mi></msub>", "<mfrac>", "<mi>π</mi>", "∼"]),
    ("(c-1) e^{-2t}", ["<msup><mi>e</mi><mrow><mo>−</mo><mn>2</mn><mi>t</mi></mrow></msup>"]),
    ("||H||_{1,1} <= d lambda_max", ["‖", "<msub><mrow><mo stretchy=\"false\">‖</mo>", "≤", "<mi>λ</mi>"]),
    ("sqrt(H(c))/c", ["<mfrac><mrow><msqrt>"]),
    ("x_k^2 and xbar^k", ["<msubsup><mi>x</mi><mi>k</mi><mn>2</mn></msubsup>", '<mover accent="true"><mi>x</mi>']),
    ("rate 1e-8", ["<msup><mn>10</mn><mrow><mo>−</mo><mn>8</mn></mrow></msup>"]),
])
def test_text_notation_becomes_mathml(text, must):
    from theorycheck.app.mathml import text_html

    h = text_html(text)
    for m in must:
        assert m in h, (m, h)


def test_text_notation_keeps_prose_as_prose():
    from theorycheck.app.mathml import text_html

    h = text_html("GD's slowdown on heavy-tailed data (sign flipped), K24.lemma5 holds; loss x1.02.")
    assert "<math" not in h
    assert text_html("log 2 / 3 is (c-1)/c") .count("<math") == 2
    # a division after a term stays inline (log^2 d / (T+2) is not log^2 of a fraction)
    assert "<mfrac>" not in text_html("2 log^2 d/(T+2)")
    # unbalanced brackets and stray marks are shown, never dropped
    h = text_html("f(x = ] ^ _")
    assert "]" in h and "^" in h


def test_sympy_mathml_escapes_symbol_names():
    import sympy as sp

    from theorycheck.app.mathml import sympy_mathml

    h = sympy_mathml(sp.Symbol("<script>x") ** 2 + sp.Symbol("a&b") + sp.Symbol("p") / sp.Symbol("q"))
    assert "<script" not in h and "&lt;script&gt;x" in h and "a&amp;b" in h
    assert "<mfrac>" in h and "<msup>" in h
    # SymPy's own entities come out as characters (an invisible times, not '&amp;InvisibleTimes;')
    h2 = sympy_mathml(sp.Symbol("x") * sp.Symbol("y") * (sp.Symbol("x") + 1))
    assert "&amp;" not in h2
