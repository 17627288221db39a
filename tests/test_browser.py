"""Open the REAL report in a headless Chromium: every registered claim appears in its own section,
every figure of the figure registry loads inside the section of each claim it illustrates, and
the math is laid out as MathML.

The report is built from the registry, ``docs/results.json`` and the committed ``figures/`` (no
fixture image). A script appended to a *copy* of the page (the report itself has no script)
measures the laid-out page after the load event and writes JSON into the DOM, which
``--dump-dom`` returns. Screenshots of the top of the page and of a claim section with figures
are kept as test artifacts (the path is printed; ``THEORYCHECK_ARTIFACTS=DIR`` keeps them there).

Skipped when Chromium is absent, unless the ``CI`` environment variable is set: then it fails
(``.ci/run`` installs Debian's chromium, and a failed install must not pass silently).
"""

import html as htmllib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from theorycheck.app import plots, report
from theorycheck.core import registry

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser

#: Chromium flags for a closed network: no background connections, a fresh profile per run.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=5000", "--window-size=1280,1000"]

PROBE = """<script>
window.addEventListener('load', () => {
  const box = e => { const b = e.getBoundingClientRect(); return {top: b.top, bottom: b.bottom, left: b.left,
                                                                   right: b.right, w: b.width, h: b.height}; };
  const r = {};
  r.mathml_supported = typeof MathMLElement !== 'undefined';
  r.images = [...document.querySelectorAll('img')].map(i => ({name: i.dataset.figure, complete: i.complete,
              w: i.naturalWidth, h: i.naturalHeight, box: box(i),
              section: (i.closest('section.claim') || {}).id || null}));
  r.math = [...document.querySelectorAll('math')].map(m => ({mathml: r.mathml_supported && m instanceof MathMLElement,
                                                             box: box(m)}));
  r.fractions = [...document.querySelectorAll('mfrac')].map(f => ({num: box(f.children[0]), den: box(f.children[1])}));
  r.powers = [...document.querySelectorAll('msup')].map(s => ({base: box(s.children[0]), exp: box(s.children[1])}));
  r.claims = [...document.querySelectorAll('section.claim')].map(s => ({id: s.id, box: box(s)}));
  r.statement_math = [...document.querySelectorAll('section.claim')].filter(s => s.querySelector('td math')).length;
  const pre = document.createElement('pre');
  pre.id = 'tc-probe';
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
});
</script>"""


def chromium() -> str | None:
    for name in (os.environ.get("THEORYCHECK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="module")
def browser():
    exe = chromium()
    if exe is None:
        msg = "Chromium not found (install Debian's chromium: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg + "; CI is set, so this is a failure, not a skip")
        pytest.skip(msg)
    return exe


def _chromium(browser: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180)


def _render(browser: str, page: Path) -> dict:
    p = _chromium(browser, "--dump-dom", page.as_uri())
    m = re.search(r'<pre id="tc-probe">(.*?)</pre>', p.stdout, flags=re.S)
    assert m, f"the probe did not run (exit {p.returncode}):\n{p.stderr[-3000:]}"
    return json.loads(htmllib.unescape(m.group(1)))


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    """The report of every registered claim, from docs/results.json and the committed figures."""
    out = tmp_path_factory.mktemp("browser-report")
    outcomes = json.loads((ROOT / "docs" / "results.json").read_text(encoding="utf-8"))["claims"]
    mut = ROOT / "docs" / "mutants.json"
    mutants = json.loads(mut.read_text(encoding="utf-8")) if mut.is_file() else None
    h, _ = report.write_report(registry.all_claims(), outcomes, out, figures_dir=plots.FIGURE_DIR, mutants=mutants)
    return h


def test_real_report_in_chromium(browser, real_report):
    page = real_report.parent / "probe.html"
    text = real_report.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    r = _render(browser, page)

    # every registered claim appears, in its own section (id = claim ID), laid out
    seen = {c["id"]: c for c in r["claims"]}
    for c in registry.all_claims():
        assert c.id in seen and seen[c.id]["box"]["h"] > 0, c.id

    # every <img> loaded (decoded, with its real size) and is laid out
    assert len(r["images"]) == text.count("<img ") and r["images"]
    for im in r["images"]:
        assert im["complete"] and im["w"] > 0 and im["h"] > 0 and im["box"]["h"] > 0, im

    # every registered figure shows in the section of each claim it illustrates
    shown = {(im["section"], im["name"]) for im in r["images"]}
    for name, spec in plots.FIGURES.items():
        assert (plots.FIGURE_DIR / name).is_file(), f"figures/{name} is missing: theorycheck plot {spec.plot} --out figures"
        for cid in spec.claims:
            assert (cid, name) in shown, (cid, name)

    # the math renders as MathML: laid-out boxes, fractions stacked, exponents raised; statements are math
    assert r["mathml_supported"] and r["math"]
    for m in r["math"]:
        assert m["mathml"] and m["box"]["w"] > 0 and m["box"]["h"] > 0, m
    assert r["fractions"] and r["powers"]
    for f in r["fractions"]:
        assert f["num"]["bottom"] <= f["den"]["top"] + 1, f  # numerator above the denominator
    for s in r["powers"]:
        assert s["exp"]["bottom"] < s["base"]["bottom"] - 1 and s["exp"]["left"] >= s["base"]["right"] - 1, s
    assert r["statement_math"] >= len(registry.all_claims()) // 2


def test_screenshots_are_kept(browser, real_report, tmp_path_factory):
    """Screenshots of the top of the report and of a claim with figures (the artifacts a reader
    looks at); each must be a non-trivial PNG."""
    dest = Path(os.environ.get("THEORYCHECK_ARTIFACTS") or tmp_path_factory.mktemp("browser-artifacts"))
    dest.mkdir(parents=True, exist_ok=True)
    name, spec = next(iter(plots.FIGURES.items()))
    cid = spec.claims[0]
    text = real_report.read_text(encoding="utf-8")
    # the claim's section alone, with the report's style (a fragment URL is not scrolled to before
    # a headless screenshot of a long page)
    sec = re.search(rf'<section class="claim" id="{re.escape(cid)}".*?</section>', text, flags=re.S).group(0)
    alone = real_report.parent / f"section-{cid}.html"
    alone.write_text(text.split("<body>")[0] + "<body>" + sec + "</body></html>", encoding="utf-8")
    shots = {"report-top.png": real_report.as_uri(), f"report-{cid}.png": alone.as_uri()}
    for fname, uri in shots.items():
        size = ["--window-size=1280,1800"] if fname != "report-top.png" else []
        p = _chromium(browser, *size, f"--screenshot={dest / fname}", "--hide-scrollbars", uri)
        f = dest / fname
        assert f.is_file() and f.stat().st_size > 10_000, (fname, p.stderr[-2000:])
        assert f.read_bytes().startswith(b"\x89PNG")
    print(f"\nbrowser screenshots: {dest}")
