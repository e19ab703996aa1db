"""One self-contained HTML report: the SVG diagram, the findings table and a filter box.

Everything is inline (no script, style or font is fetched), so the file opens from a CI
artifact or a mail attachment with no network. Input text is written through `xml`: one
line, no control character, and `& < > " '` escaped, in text and attributes alike.
"""

from __future__ import annotations

from depguard.model import Result
from depguard.report import display, in_root
from depguard.textsafe import xml

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:1.5rem;color:#1f2328}
h1{font-size:1.3rem} .svg{overflow:auto;border:1px solid #d0d7de;padding:.5rem}
table{border-collapse:collapse;width:100%;margin-top:1rem;font-size:.85rem}
th,td{border-bottom:1px solid #d0d7de;text-align:left;padding:.3rem .5rem;vertical-align:top}
.error{color:#b00000;font-weight:bold} .warning{color:#9a6700;font-weight:bold}
input{font-size:1rem;padding:.3rem;width:28rem} code{font-size:.8rem}
.dim{opacity:.25}
"""

SCRIPT = """
const box = document.getElementById('filter');
box.addEventListener('input', () => {
  const q = box.value.toLowerCase();
  const hits = new Set();
  document.querySelectorAll('#findings tbody tr').forEach(row => {
    const show = row.textContent.toLowerCase().includes(q);
    row.style.display = show ? '' : 'none';
    if (show && q) row.dataset.nodes.split(' ').forEach(n => hits.add(n));
  });
  document.querySelectorAll('svg g.node').forEach(node => {
    const title = node.querySelector('title');
    const id = title ? title.textContent : '';
    node.classList.toggle('dim', q !== '' && !hits.has(id) && !id.toLowerCase().includes(q));
  });
});
"""


def render(result: Result, svg: str, title: str) -> str:
    rows = []
    for finding in result.findings:
        hops = finding.witnesses[0] if finding.witnesses else []
        chain = (
            " -> ".join([display(h.source) for h in hops] + [display(hops[-1].target)])
            if hops
            else ""
        )
        where = "<br>".join(
            xml(f"{in_root(result, h.evidence[0].file)}:{h.evidence[0].line} {h.evidence[0].text}")
            for h in hops
            if h.evidence
        )
        # read back as the `oneline` ids the SVG's <title>s show, for the filter box
        rows.append(
            f'<tr data-nodes="{" ".join(xml(n) for n in finding.nodes)}">'
            f'<td class="{xml(finding.severity)}">{xml(finding.severity)}</td>'
            f"<td>{xml(finding.type)}</td><td>{xml(finding.level)}</td>"
            f"<td>{xml(finding.message)}<br><code>{xml(chain)}</code></td>"
            f"<td><code>{where}</code></td></tr>"
        )
    svg_body = svg[svg.find("<svg") :] if "<svg" in svg else svg
    counts = (
        f"{sum(f.severity == 'error' for f in result.findings)} errors, "
        f"{sum(f.severity == 'warning' for f in result.findings)} warnings"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{xml(title)}</title><style>{STYLE}</style></head><body>\n"
        f"<h1>depguard: {xml(title)}</h1><p>{counts}</p>\n"
        f'<div class="svg">{svg_body}</div>\n'
        '<p><input id="filter" placeholder="filter findings and nodes (e.g. console, cycle)">'
        '</p>\n<table id="findings"><thead><tr><th>severity</th><th>type</th><th>level</th>'
        "<th>finding</th><th>evidence</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + f"\n</tbody></table>\n<script>{SCRIPT}</script>\n</body></html>\n"
    )
