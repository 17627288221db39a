"""Open the report in a real headless Chromium: every figure loads, the math is laid out as
MathML, every registered claim appears.

A script appended to a *copy* of the page (the report itself has no script) measures the laid-out
page after the load event and writes JSON into the DOM, which ``--dump-dom`` returns.
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
from test_report import fixture_claims, fixture_outcomes, tiny_png

from theorycheck.app import report
from theorycheck.core import registry

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser

#: Chromium flags for a closed network, from the machine notes: no background connections.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=3000", "--window-size=1200,900"]

PROBE = """<script>
window.addEventListener('load', () => {
  const box = e => { const b = e.getBoundingClientRect(); return {top: b.top, bottom: b.bottom, left: b.left,
                                                                   right: b.right, w: b.width, h: b.height}; };
  const r = {};
  r.mathml_supported = typeof MathMLElement !== 'undefined';
  r.images = [...document.querySelectorAll('img')].map(i => ({name: i.dataset.figure, complete: i.complete,
                                                              w: i.naturalWidth, h: i.naturalHeight, box: box(i)}));
  r.math = [...document.querySelectorAll('math')].map(m => ({mathml: r.mathml_supported && m instanceof MathMLElement,
                                                             box: box(m)}));
  r.fractions = [...document.querySelectorAll('mfrac')].map(f => ({num: box(f.children[0]), den: box(f.children[1])}));
  r.powers = [...document.querySelectorAll('msup')].map(s => ({base: box(s.children[0]), exp: box(s.children[1])}));
  r.claims = [...document.querySelectorAll('section.claim')].map(s => ({id: s.dataset.claimId, box: box(s)}));
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


def _render(browser: str, page: Path) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                           capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="tc-probe">(.*?)</pre>', p.stdout, flags=re.S)
    assert m, f"the probe did not run (exit {p.returncode}):\n{p.stderr[-3000:]}"
    return json.loads(htmllib.unescape(m.group(1)))


def test_report_in_chromium(browser, tmp_path):
    fig = tiny_png(tmp_path / "figs" / "fixture.png", w=40, h=30)
    registered = registry.all_claims()
    results = ROOT / "docs" / "results.json"
    outcomes = json.loads(results.read_text())["claims"] if results.is_file() else []
    claims = registered + fixture_claims(fig)
    h, _ = report.write_report(claims, outcomes + fixture_outcomes(), tmp_path / "out", figures_dir=ROOT / "figures")
    page = tmp_path / "probe.html"
    page.write_text(h.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    r = _render(browser, page)

    # every figure loads (decoded, with its real size) and is laid out
    expected_imgs = h.read_text(encoding="utf-8").count("<img ")
    assert expected_imgs >= 1 and len(r["images"]) == expected_imgs
    for im in r["images"]:
        assert im["complete"] and im["w"] > 0 and im["h"] > 0 and im["box"]["h"] > 0, im
    assert any(im["w"] == 40 and im["h"] == 30 for im in r["images"])

    # the math renders as MathML: laid out boxes, fractions stacked, exponents raised
    assert r["mathml_supported"] and r["math"]
    for m in r["math"]:
        assert m["mathml"] and m["box"]["w"] > 0 and m["box"]["h"] > 0, m
    assert r["fractions"] and r["powers"]
    for f in r["fractions"]:
        assert f["num"]["bottom"] <= f["den"]["top"] + 1, f  # numerator above the denominator
    for s in r["powers"]:
        assert s["exp"]["bottom"] < s["base"]["bottom"] - 1 and s["exp"]["left"] >= s["base"]["right"] - 1, s

    # every registered claim appears, and is visible
    seen = {c["id"]: c for c in r["claims"]}
    for c in claims:
        assert c.id in seen and seen[c.id]["box"]["h"] > 0, c.id
