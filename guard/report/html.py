"""The recovery pack as one self-contained, accessible HTML page.

Self-contained: inline CSS, no script, no image, no link to fetch, so it opens the same from
a USB stick, an email or a printer queue, and can carry nothing hostile. Accessible: a
language, one ``h1`` and real section headings, a table with a caption and header cells, an
ordered list of steps, and no meaning carried by colour alone, so a screen reader reads it
in order. Every value from the journal is escaped: a tool's window title or file name is
chosen by whoever made the tool, and may be markup.

The same HTML is what Qt prints to PDF (``ui/report_pdf.py``), so the CSS stays within
what Qt's rich text understands (element and class selectors, fonts, margins, borders).
"""

from __future__ import annotations

from html import escape

from guard.report.model import RecoveryPack, Step

_CSS = """
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 9pt;
       color: #000000; background: #ffffff; margin: 0; }
h1 { font-size: 15pt; margin: 0 0 3pt 0; }
h2 { font-size: 11pt; margin: 7pt 0 2pt 0; }
h3 { font-size: 9.5pt; margin: 4pt 0 1pt 0; }
p { margin: 0 0 3pt 0; }
ul, ol { margin-top: 0; margin-bottom: 2pt; }
li { margin-bottom: 1pt; }
table { border-collapse: collapse; width: 100%; margin: 1pt 0 2pt 0; }
caption { text-align: left; font-weight: bold; padding-bottom: 1pt; }
th, td { border: 1px solid #555555; padding: 1pt 3pt; text-align: left;
         vertical-align: top; }
th { background: #e8e8e8; }
.number { font-size: 11pt; font-weight: bold; }
.path, code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8pt; }
.small { font-size: 7.5pt; }
"""


def render(pack: RecoveryPack) -> str:
    """The page, as text (UTF-8 when written)."""
    e = _esc
    ref = e(pack.incident)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>ScamGuard recovery pack: incident {ref}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>ScamGuard recovery pack</h1>",
        f"<p><strong>Incident reference: {ref}</strong>. "
        f"Program: {e(pack.name)}. Date: {e(pack.day)}. "
        f"Times are in this computer's time zone ({e(pack.zone)}).</p>",
        f"<p>{e(pack.summary)}</p>",
        "<h2>What ScamGuard did</h2>",
        _list(pack.did),
        *_timeline(pack),
        "<h2>Details</h2>",
        *_details(pack),
        "<h2>What to do now</h2>",
        "<ol>",
        *(_step(step) for step in pack.steps),
        "</ol>",
        "</main>",
        "<footer>",
        *(f'<p class="small">{e(note)}</p>' for note in pack.notes),
        f'<p class="small">This pack holds only what ScamGuard recorded on this computer '
        f"(its journal: {e(pack.journal)})"
        + (f" and the numbers of the provider profile {e(pack.provider)}" if pack.provider else "")
        + f". Made {e(pack.made)}. Keep it: show it to your bank and to the police.</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _timeline(pack: RecoveryPack) -> list[str]:
    rows = [
        f"<tr><td>{_esc(m.when)}</td><td>{_esc(m.who)}</td><td>{_esc(m.what)}</td></tr>"
        for m in pack.moments
    ]
    return [
        "<h2>What happened, in order</h2>",
        '<table border="1" cellspacing="0" cellpadding="2" width="100%">',
        f"<caption>Every step recorded for incident {_esc(pack.incident)}, on {_esc(pack.day)}"
        f" ({_esc(pack.zone)})</caption>",
        '<thead><tr><th scope="col" width="14%">Time</th><th scope="col" width="13%">Who</th>'
        '<th scope="col">What happened</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
    ]


def _details(pack: RecoveryPack) -> list[str]:
    e = _esc
    ran = [
        f"Process {p.pid if p.pid is not None else '(unknown)'}, seen at {e(p.when)}: "
        f'<span class="path">{e(p.path) or "(program file not recorded)"}</span>'
        for p in pack.programs
    ]
    out = [f"<h3>What ran: {e(pack.name)} ({e(pack.tool)})</h3>"]
    out.append(_list(ran, escaped=True) if ran else "<p>No process of it was recorded running.</p>")
    out.append("<h3>Remote connections</h3>")
    if pack.sessions:
        items = []
        for s in pack.sessions:
            span = (
                f"From {e(s.started) or '(before the journal began)'} "
                f"to {e(s.ended) or '(still connected when this pack was made)'}"
            )
            if s.length:
                span += f" ({e(s.length)})"
            if s.peer:
                span += f", from the address {e(s.peer)}"
            if s.signal:
                span += f"; seen from {e(s.signal)}"
            if s.evidence:
                span += f", which recorded {e(s.evidence)}"
            items.append(span + ".")
        out.append(_list(items, escaped=True))
    else:
        out.append("<p>The journal records no one connecting through it.</p>")
    out.append("<h3>What was allowed, and how</h3>")
    if pack.allowances:
        out.append(
            _list(
                [
                    f"At {e(a.when)}: allowed to run {e(a.scope)}, {e(a.how)}."
                    for a in pack.allowances
                ],
                escaped=True,
            )
        )
    else:
        out.append("<p>It was never allowed to run.</p>")
    out.append("<h3>Installers and program files, with their SHA-256 fingerprints</h3>")
    if pack.files:
        items = []
        for f in pack.files:
            text = f'<span class="path">{e(f.path)}</span>: {e(f.found)}; {e(f.fate)}.'
            if f.size is not None:
                text += f" Size: {f.size:,} bytes."
            text += (
                f" SHA-256: <code>{e(f.sha256)}</code>" if f.sha256 else " SHA-256: not recorded."
            )
            items.append(text)
        out.append(_list(items, escaped=True))
    else:
        out.append("<p>No installer or program file of it was recorded.</p>")
    return out


def _step(step: Step) -> str:
    e = _esc
    text = f"<li><strong>{e(step.title)}.</strong> {e(step.text)}"
    if step.contacts:
        numbers = [
            f'<span class="number">{e(c.number)}</span>: {e(c.label)}'
            + (f' <span class="small">({e(c.note)})</span>' if c.note else "")
            for c in step.contacts
        ]
        text += _list(numbers, escaped=True)
    if step.link:
        text += f" Online: {e(step.link)}"
    return text + "</li>"


def _list(items: tuple[str, ...] | list[str], *, escaped: bool = False) -> str:
    inner = "".join(f"<li>{item if escaped else _esc(item)}</li>" for item in items)
    return f"<ul>{inner}</ul>"


def _esc(value: object) -> str:
    return escape(str(value), quote=True)
