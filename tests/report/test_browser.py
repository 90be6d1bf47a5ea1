"""The HTML report as a person sees it: headless Chromium, network off.

A harness page frames the report and records what the browser drew: the chart SVGs,
the Chinese labels and whether each Chinese character has a real glyph (its bitmap
differs from every other character's and from the missing-glyph box). Chromium's net
log must show no request made by a page (browser housekeeping is "not an origin"), and
a control page with one remote image proves the check would catch one.

Needs Debian's chromium and a Chinese font (scripts/ensure-chromium installs both) and
vl-convert-python (the report extra). Skips with the reason when one is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from slarules import load_policy
from slarules.report import build_report, render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed; run scripts/ensure-chromium"
)

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="f" src="report.html" style="width:1280px;height:2000px"></iframe>
<pre id="result">pending</pre>
<script>
function bitmap(ch, font) {
  const c = document.createElement('canvas'); c.width = 40; c.height = 40;
  const g = c.getContext('2d'); g.font = '28px ' + font; g.fillText(ch, 4, 32);
  const d = g.getImageData(0, 0, 40, 40).data; let h = 0;
  for (let i = 3; i < d.length; i += 4) h = (h * 31 + d[i]) | 0;
  return h;
}
document.getElementById('f').addEventListener('load', () => {
  const w = document.getElementById('f').contentWindow, doc = w.document;
  const charts = [...doc.querySelectorAll('div.chart svg')];
  const cjk = [...doc.querySelectorAll('div.chart svg text')]
    .filter(t => /[\\u4e00-\\u9fff]/.test(t.textContent));
  const font = cjk.length ? w.getComputedStyle(cjk[0]).fontFamily : 'sans-serif';
  const chars = [...new Set((cjk.map(t => t.textContent).join('')
    .match(/[\\u4e00-\\u9fff]/g)) || [])];
  const missing = bitmap('\\ue000', font);
  const glyphs = chars.map(ch => bitmap(ch, font));
  document.getElementById('result').textContent = JSON.stringify({
    charts: charts.map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height]),
    labels: cjk.map(t => [t.textContent, t.getComputedTextLength()]),
    chars: chars.length, distinct: new Set(glyphs).size,
    boxes: glyphs.filter(g => g === missing).length,
    resources: w.performance.getEntriesByType('resource').map(e => e.name),
    cells: doc.querySelectorAll('td.bar').length,
  });
});
</script></body></html>
"""


def chromium(folder: Path, page: str, *extra: str) -> tuple[str, list[tuple[str, str]]]:
    """Run headless Chromium on ``page``; return the DOM and the requests (initiator, url)."""
    assert CHROMIUM is not None
    log = folder / f"{page}.netlog.json"
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={log}",
                "--virtual-time-budget=10000", *extra, "--dump-dom",
                (folder / page).as_uri(),
            ],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    net = json.loads(log.read_text(encoding="utf-8"))
    names = {v: k for k, v in net["constants"]["logEventTypes"].items()}
    requests = [
        (str(e["params"].get("initiator")), str(e["params"]["url"]))
        for e in net["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})
    ]
    return out.stdout, requests


def by_page(requests: list[tuple[str, str]]) -> list[str]:
    return [url for initiator, url in requests if initiator != "not an origin"]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    pytest.importorskip("vl_convert", reason="charts need vl-convert-python (slarules[report])")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                           check=False).stdout if shutil.which("fc-list") else ""  # fmt: skip
    if not fonts.strip():
        pytest.skip("no Chinese font is installed; run scripts/ensure-chromium")
    policy = load_policy("policies/after-sales-response.yaml")
    lines = Path("examples/after-sales-month.jsonl").read_text(encoding="utf-8").splitlines()
    result = build_report(
        policy,
        (json.loads(line) for line in lines),
        as_of=datetime.fromisoformat("2025-11-01T00:00:00+08:00"),
        start=date(2025, 10, 1),
        end=date(2025, 10, 31),
    )
    folder = tmp_path_factory.mktemp("browser")
    html = render(result, "html", charts=True)
    (folder / "report.html").write_text(html, encoding="utf-8")
    (folder / "harness.html").write_text(HARNESS, encoding="utf-8")
    return folder, html


def test_charts_and_chinese_labels_render_and_nothing_is_requested(
    page: tuple[Path, str],
) -> None:
    folder, html = page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    dom, requests = chromium(folder, "harness.html", "--allow-file-access-from-files")
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-2000:]
    seen: dict[str, Any] = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(seen["charts"]) == 5
    assert all(w > 300 and h > 150 for w, h in seen["charts"])
    labels = dict(seen["labels"])
    for label in ("满意 (satisfied)", "不满意 (dissatisfied)", "Complaint reasons (投诉原因)"):
        assert labels.get(label, 0) > 40, labels
    assert seen["chars"] > 20
    assert seen["distinct"] == seen["chars"]  # every character has its own glyph
    assert seen["boxes"] == 0  # and none is the missing-glyph box
    assert seen["cells"] > 20  # the tables' bar cells
    assert seen["resources"] == []
    assert by_page(requests) == []


def test_the_request_check_catches_a_remote_image(tmp_path: Path) -> None:
    (tmp_path / "control.html").write_text(
        '<!DOCTYPE html><img src="http://example.invalid/x.png">', encoding="utf-8"
    )
    _, requests = chromium(tmp_path, "control.html")
    assert by_page(requests) == ["http://example.invalid/x.png"]
