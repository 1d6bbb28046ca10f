"""What people look at: the segment viewer and the campaign report, as HTML or text.

* :func:`view_html` / :func:`view_text` draw one message part by part, as
  :func:`smscodec.split` cuts it: every character in its cell with its cost (1 or 2
  septets, 1 or 2 UTF-16 code units), each part's header decoded (concatenation, ports,
  national language shift elements), the characters that force UCS-2 marked with their
  code point and name, escape pairs and surrogate pairs drawn as the pairs they are, and
  what smart encoding replaces and saves.  Text, national language tables, UCS-2 and 8-bit
  data (pass ``bytes``) alike.
* :func:`campaign_html` draws the report of ``smscodec analyze`` (the dict its ``--json``
  prints) as one page: totals, a parts-per-message histogram, the UCS-2 share, the
  characters ranked by what replacing each alone would save, the savings of smart
  encoding and national language tables with what they are compared with, the cost per
  country when the report has one, and its sample of the most expensive messages drawn
  with the viewer.  The page is built from the report's totals, so its size does not
  grow with the number of messages.

Every page is one self-contained file: inline CSS and SVG (charts with real, selectable
text), a Content-Security-Policy that lets it load and run nothing, no script at all.
Every text from a message is escaped; characters that HTML or a terminal cannot show as
they are (controls, bidirectional and other format characters, lone surrogates) are
drawn as their code points.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import _view
from .errors import SmsCodecError
from .segments import analyze, split, split_binary

__all__ = ["campaign_html", "view_dict", "view_html", "view_text"]

# Parts of each sampled message the campaign page draws cell by cell.
_SAMPLE_PARTS = 3
# Characters of a message shown as text when it cannot be drawn.
_PREVIEW_CHARS = 500
# Rows of the parts histogram before the rest are grouped in one.
_HISTOGRAM_ROWS = 24


def _generator() -> str:
    from . import __version__

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"smscodec {__version__} · {now}"


def _message(text: str | bytes, options: dict[str, Any]) -> _view.Message:
    """Analyse and split ``text`` with ``options``; with smart encoding compare with the
    text as written, and without it (a UCS-2 text) with what smart encoding would do."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        return _view.binary(split_binary(text, **options))
    opts = dict(options)
    reference = opts.pop("reference", None)
    info = analyze(text, **opts)
    parts = split(text, reference=reference, **opts)
    smart = opts.get("smart", False)
    comparison, label = None, ""
    if smart and info.replacements:
        try:
            comparison, label = analyze(text, **{**opts, "smart": False}), "as written"
        except SmsCodecError:  # a caller's map replaced what could not be sent at all
            comparison = None
    elif not smart and info.encoding == "ucs2" and opts.get("encoding", "auto") == "auto":
        comparison, label = analyze(text, **{**opts, "smart": True}), "with smart encoding"
    return _view.message(info, parts, original=text, comparison=comparison, comparison_label=label)


def view_html(text: str | bytes, *, title: str | None = None, **options: Any) -> str:
    """One message drawn part by part, as a whole self-contained HTML page.

    Args:
        text: the message; ``bytes`` for 8-bit data (cut by :func:`smscodec.split_binary`).
        title: the page's title (default: ``"smscodec · message view"``).
        options: the options of :func:`smscodec.split` (``encoding``, ``udh``,
            ``reference_bits``, ``smart``, ``languages``, ``reference``); for ``bytes``,
            those of :func:`smscodec.split_binary`.

    Returns:
        The page, as a ``str`` (write it as UTF-8).

    Raises:
        What :func:`smscodec.split` (or :func:`smscodec.split_binary`) raises.
    """
    view = _message(text, options)
    return _view.html_page(
        _view.html_body(view), title=title or "smscodec · message view", generator=_generator()
    )


def view_text(text: str | bytes, *, color: bool = False, width: int = 80, **options: Any) -> str:
    """One message drawn part by part for a terminal: what :func:`view_html` shows.

    Args:
        color: mark the cells with ANSI colours (else with a row of marker letters:
            ``!`` forces UCS-2, ``e`` escape pair, ``s`` surrogate pair, ``n`` national
            table, ``r`` smart replacement).
        width: the terminal's width in columns.
        options: as for :func:`view_html`.

    Raises:
        What :func:`smscodec.split` (or :func:`smscodec.split_binary`) raises.
    """
    return _view.text(_message(text, options), color=color, width=width)


def view_dict(text: str | bytes, **options: Any) -> dict[str, Any]:
    """What :func:`view_html` draws, as JSON-ready data: the totals, and per part its
    header elements and its cells (character, cost, units sent, flags).

    Raises:
        What :func:`smscodec.split` (or :func:`smscodec.split_binary`) raises.
    """
    return _view.message_dict(_message(text, options))


# --- the campaign page ----------------------------------------------------------------------

esc = _view.escape


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _options_label(options: Mapping[str, Any]) -> str:
    words = []
    if options.get("encoding", "auto") != "auto":
        words.append(f"--encoding {options['encoding']}")
    if options.get("smart"):
        words.append("--smart")
    if options.get("languages"):
        words.append("--languages " + ",".join(str(x) for x in options["languages"]))
    if options.get("reference_bits", 8) != 8:
        words.append(f"--reference-bits {options['reference_bits']}")
    if options.get("policy", "3gpp") != "3gpp":
        words.append(f"--policy {options['policy']}")
    return " ".join(words)


def _figure(label: str, shown: str, key: str, value: object) -> str:
    data = _view.attribute(str(value))
    return f'<div><dt>{esc(label)}</dt><dd data-k="{key}" data-v="{data}">{esc(shown)}</dd></div>'


def _totals(record: Mapping[str, Any]) -> str:
    messages, segments = record["messages"], record["segments"]
    rows = [
        _figure("messages", f"{messages:,}", "messages", messages),
        _figure("parts", f"{segments:,}", "segments", segments),
    ]
    if messages:
        rows.append(
            _figure("parts per message", f"{segments / messages:.2f}", "per_message", segments / messages)
        )
    rows.append(_figure("GSM-7", f"{record['gsm7']:,}", "gsm7", record["gsm7"]))
    share = record.get("ucs2_share", 0.0)
    rows.append(_figure("UCS-2", f"{record['ucs2']:,} ({share:.1%})", "ucs2", record["ucs2"]))
    if record.get("missing"):
        rows.append(_figure("missing (0 parts)", f"{record['missing']:,}", "missing", record["missing"]))
    if "cost" in record:
        rows.append(
            _figure(
                "cost", f"{record['cost']} at {record['price_per_segment']} per part", "cost", record["cost"]
            )
        )
    return f'<section id="totals"><h2>Totals</h2><dl class="summary">{"".join(rows)}</dl></section>'


def _histogram(record: Mapping[str, Any]) -> str:
    hist = sorted((int(k), int(v)) for k, v in record.get("histogram", {}).items())
    if not hist:
        return ""
    rows: list[tuple[str, int, str]] = [(_plural(k, "part"), v, str(k)) for k, v in hist[:_HISTOGRAM_ROWS]]
    if len(hist) > _HISTOGRAM_ROWS:
        rest = hist[_HISTOGRAM_ROWS:]
        rows.append((f"{rest[0][0]}–{rest[-1][0]} parts", sum(v for _, v in rest), f"{rest[0][0]}+"))
    total = sum(v for _, v, _ in rows) or 1
    most = max(v for _, v, _ in rows) or 1
    line, label_w, bar_w = 22, 110, 380
    height = line * len(rows) + 8
    out = [
        '<section id="histogram"><h2>Parts per message</h2>',
        f'<svg class="hist" role="img" aria-labelledby="hist-title" xmlns="http://www.w3.org/2000/svg" '
        f'width="640" height="{height}" viewBox="0 0 640 {height}">',
        '<title id="hist-title">Messages by the number of parts they take</title>',
    ]
    for row, (label, count, key) in enumerate(rows):
        y = 4 + row * line
        width = max(1, round(bar_w * count / most)) if count else 0
        out.append(
            f'<g class="bar" data-parts="{key}" data-count="{count}">'
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="15" fill="#4a7bd0"></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 14}">{count:,} ({count / total:.1%})</text></g>'
        )
    out.append("</svg></section>")
    return "".join(out)


def _share(record: Mapping[str, Any]) -> str:
    messages = record["messages"]
    if not messages:
        return ""
    pieces = [
        ("GSM-7", record["gsm7"], "#4a7bd0"),
        ("UCS-2", record["ucs2"], "#cf222e"),
        ("missing", record.get("missing", 0), "#8a939c"),
    ]
    out = [
        '<section id="share"><h2>UCS-2 share</h2>',
        f"<p>{record.get('ucs2_share', 0.0):.1%} of the messages go as UCS-2 (70 UTF-16 units a part, "
        "67 when concatenated, against 160 and 153 GSM-7 septets).</p>",
        '<svg class="share" role="img" aria-labelledby="share-title" xmlns="http://www.w3.org/2000/svg" '
        'width="640" height="58" viewBox="0 0 640 58"><title id="share-title">Messages by encoding</title>',
    ]
    x = 0.0
    legend_x = 0
    for name, count, colour in pieces:
        if not count and name == "missing":
            continue
        width = 640 * count / messages
        out.append(
            f'<rect class="seg" data-name="{name}" data-count="{count}" x="{x:.1f}" y="0" '
            f'width="{width:.1f}" height="22" fill="{colour}"></rect>'
        )
        out.append(
            f'<rect x="{legend_x}" y="34" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{legend_x + 16}" y="45">{name} {count:,} ({count / messages:.1%})</text>'
        )
        x += width
        legend_x += 210
    out.append("</svg></section>")
    return "".join(out)


def _blockers(record: Mapping[str, Any]) -> str:
    forcing = record.get("forcing_chars") or []
    options = record.get("options", {})
    label = _options_label(options)
    still = " still" if options.get("smart") or options.get("languages") else ""
    out = [f'<section id="blockers"><h2>Characters that{still} force UCS-2</h2>']
    if not forcing:
        out.append(
            "<p>None: every message goes as GSM-7.</p>" if not record.get("ucs2") else "<p>None listed.</p>"
        )
    else:
        base = record.get("forcing_compared_with", {})
        priced = base.get("cost") is not None
        stand_in = (
            "each replaced by '?', a one-septet GSM-7 character"
            if options.get("smart")
            else "each replaced by its smart-encoding look-alike, else by '?', a one-septet GSM-7 character"
        )
        cost = f" ({base['cost']})" if priced else ""
        under = f" with {esc(label)}" if label else ""
        totals = _plural(base.get("segments", record["segments"]), "part")
        out.append(
            f"<p>Ranked by the parts replacing each character alone would save{under}; compared with the "
            f"totals above, {totals}{esc(cost)}; {esc(stand_in)}.</p>"
        )
        head = '<th class="num">cost saved</th>' if priced else ""
        out.append(
            '<table class="blockers"><thead><tr><th>#</th><th>character</th><th>code point</th><th>name</th>'
            f'<th>replaced by</th><th class="num">parts saved</th>{head}<th class="num">only blocker in</th>'
            '<th class="num">blocks in</th></tr></thead><tbody>'
        )
        for rank, item in enumerate(forcing, 1):
            ch = str(item.get("char", ""))
            shown = _view.visible(ch)[0] if len(ch) == 1 else ch
            money = f'<td class="num">{esc(str(item.get("cost_saved")))}</td>' if priced else ""
            out.append(
                f'<tr data-char="{_view.attribute(item.get("codepoint", ""))}"><td>{rank}</td>'
                f'<td class="glyph">{esc(shown)}</td><td>{esc(str(item.get("codepoint", "")))}</td>'
                f"<td>{esc(str(item.get('name', '')))}</td><td>{esc(repr(item.get('replacement', '')))}</td>"
                f'<td class="num">{item.get("segments_saved", 0):,}</td>{money}'
                f'<td class="num">{item.get("only_blocker", 0):,}</td>'
                f'<td class="num">{item.get("messages", 0):,}</td></tr>'
            )
        out.append("</tbody></table>")
    mixed = record.get("ucs2_no_single_blocker", 0)
    if mixed:
        out.append(
            f'<p class="note">{mixed:,} UCS-2 messages have no single blocking character: no one pair of the '
            "enabled tables carries all of their characters.</p>"
        )
    out.append("</section>")
    return "".join(out)


def _savings(record: Mapping[str, Any]) -> str:
    savings = record.get("savings") or {}
    options = record.get("options", {})
    out = ['<section id="savings"><h2>Savings</h2>']
    if not savings:
        fixed = esc(str(options.get("encoding", "")))
        out.append(f"<p>None computed: --encoding {fixed} fixes the encoding.</p></section>")
        return "".join(out)
    base = next(iter(savings.values())).get("compared_with", {})
    cost = f" ({base['cost']})" if base.get("cost") is not None else ""
    out.append(
        f"<p>Each compared with {esc(str(base.get('description', 'the texts as written')))}: "
        f"{_plural(base.get('segments', 0), 'part')}{esc(cost)}.</p>"
    )
    priced = base.get("cost") is not None
    head = '<th class="num">cost saved</th>' if priced else ""
    out.append(
        f'<table class="savings"><thead><tr><th>option</th><th class="num">parts saved</th>{head}'
        "<th>in the totals above</th></tr></thead><tbody>"
    )
    names = {
        "smart": "--smart",
        "languages": "--languages " + ",".join(str(x) for x in options.get("languages", [])),
        "smart_and_languages": "--smart and --languages",
    }
    caveats = []
    for key, item in savings.items():
        if item["applied"]:
            status = "applied: the totals are these"
        elif item["included"]:
            status = "included, with another option"
        else:
            status = "not applied"
        money = f'<td class="num">{esc(str(item.get("cost")))}</td>' if priced else ""
        out.append(
            f'<tr data-k="{_view.attribute(key)}"><td>{esc(names.get(key, key))}</td>'
            f'<td class="num">{item["segments"]:,}</td>{money}<td>{status}</td></tr>'
        )
        if item.get("caveat") and item["caveat"] not in caveats:
            caveats.append(item["caveat"])
    out.append("</tbody></table>")
    out.extend(f'<p class="note warn">Note: {esc(c)}.</p>' for c in caveats)
    out.append("</section>")
    return "".join(out)


_NO_OPTIONS = "none (the texts as written, default GSM-7 tables)"
# Keys a per-country cost table may come under.
_COUNTRY_KEYS = ("by_country", "countries", "per_country")


def _cell(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return esc("" if value is None else str(value).lower())
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, (list, tuple)):
        return esc(", ".join(map(str, value)))
    return esc(str(value))


def _destinations(dest: Mapping[str, Any]) -> str:
    """The ``destinations`` table of ``analyze --prices`` (``_report.Destinations.record``)."""
    currency = f" {dest['currency']}" if dest.get("currency") else ""
    out = [
        '<section id="countries"><h2>Cost by country</h2>',
        f"<p>{_figure_inline('cost', str(dest['cost']) + currency, dest['cost'])} at each country's "
        f"default price ({esc(str(dest.get('prices', '')))}); "
        f"{_figure_inline('low', str(dest['low']), dest['low'])} to "
        f"{_figure_inline('high', str(dest['high']), dest['high'])} over the prices of the countries' "
        "networks.</p>",
        '<table class="countries"><thead><tr><th>country</th><th>name</th><th class="num">messages</th>'
        '<th class="num">parts</th><th class="num">cost</th><th class="num">low</th><th class="num">high</th>'
        '<th class="num">unpriced</th><th>why unpriced</th></tr></thead><tbody>',
    ]
    for row in dest.get("countries", []):
        country = row.get("country")
        key = "" if country is None else str(country)
        cells = [
            ("(not a phone number)" if row.get("why") == "not a phone number" else "(no destination)")
            if country is None
            else key,
            row.get("name") or "",
            row.get("messages", 0),
            row.get("parts", 0),
            "-" if row.get("cost") is None else row["cost"],
            "-" if row.get("low") is None else row["low"],
            "-" if row.get("high") is None else row["high"],
            row.get("unpriced", 0),
            row.get("why") or "",
        ]
        tds = "".join(
            f'<td class="num">{_cell(v)}</td>' if 2 <= i <= 7 else f"<td>{_cell(v)}</td>"
            for i, v in enumerate(cells)
        )
        out.append(f'<tr data-country="{_view.attribute(key)}">{tds}</tr>')
    out.append("</tbody></table>")
    unpriced = int(dest.get("unpriced_messages", 0))
    if unpriced:
        parts = _plural(int(dest.get("unpriced_parts", 0)), "part")
        out.append(
            f'<p class="note warn" data-k="unpriced" data-v="{unpriced}">{_plural(unpriced, "message")} '
            f"({parts}) not priced, and left out of the cost above (never counted as 0).</p>"
        )
    invalid = int(dest.get("invalid_messages", 0) or 0)
    first = dest.get("first_invalid")
    if invalid and first:
        out.append(
            f'<p class="note warn" data-k="invalid" data-v="{invalid}">{_plural(invalid, "message")} '
            "to a value that is no phone number; the first: "
            f"{_cell(first['where'])}: {_cell(first['why'])}</p>"
        )
    out.append("</section>")
    return "".join(out)


def _figure_inline(key: str, shown: str, value: object) -> str:
    return f'<strong data-k="{key}" data-v="{_view.attribute(str(value))}">{esc(shown)}</strong>'


def _countries(record: Mapping[str, Any]) -> str:
    if isinstance(record.get("destinations"), Mapping):
        return _destinations(record["destinations"])
    key = next((k for k in _COUNTRY_KEYS if record.get(k)), None)
    if key is None:
        return ""
    table = record[key]
    rows: list[dict[str, Any]]
    if isinstance(table, Mapping):
        rows = [
            {"country": name, **(value if isinstance(value, Mapping) else {"cost": value})}
            for name, value in table.items()
        ]
    else:
        rows = [dict(row) if isinstance(row, Mapping) else {"value": row} for row in table]
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    numeric = {c for c in columns if all(isinstance(r.get(c), (int, float)) for r in rows if c in r)}
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}">{esc(c.replace("_", " "))}</th>' for c in columns
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if c in numeric else ""}">{_cell(row.get(c, ""))}</td>' for c in columns
        )
        + "</tr>"
        for row in rows
    )
    out = [
        '<section id="countries"><h2>Cost by country</h2><table class="countries">',
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
    ]
    unpriced = record.get("unpriced")
    if unpriced:
        count = unpriced if isinstance(unpriced, int) else len(unpriced)
        out.append(f'<p class="note warn">{_plural(count, "message")} not priced (never counted as 0).</p>')
    out.append("</section>")
    return "".join(out)


def _sample(record: Mapping[str, Any], parts: int) -> str:
    sample = record.get("sample") or []
    if not sample:
        return ""
    options = record.get("options", {})
    opts = {
        "encoding": options.get("encoding", "auto"),
        "reference_bits": options.get("reference_bits", 8),
        "smart": bool(options.get("smart")),
        "languages": tuple(options.get("languages", ())),
        "reference": 0,
    }
    price = record.get("price_per_segment")
    out = [
        '<section id="sample"><h2>The most expensive messages</h2>',
        f'<p class="note">The {_plural(len(sample), "message")} with the most parts, drawn with the viewer '
        f"(at most {_plural(parts, 'part')} each, cell by cell; reference 0 stands for the one chosen when "
        "sent).</p>",
    ]
    for item in sample:
        text = item.get("text")
        number = int(item.get("index", 0)) + 1
        segments = int(item.get("segments", 0))
        money = ""
        if price is not None:
            money = f" · {Decimal(str(price)) * segments}"
        out.append(
            f'<article class="sample" data-index="{number - 1}" data-segments="{segments}">'
            f"<h3>Message {number:,} <span>· {_plural(segments, 'part')}{esc(money)}</span></h3>"
        )
        problem = ""
        if not isinstance(text, str):
            problem = "no text kept"
        elif item.get("truncated"):
            problem = f"{len(text):,} characters kept of a longer message: too long to draw"
        else:
            try:
                view = _message(text, opts)
            except SmsCodecError as exc:
                problem = f"cannot be drawn: {type(exc).__name__}: {exc}"
            else:
                out.append(_view.html_body(view, max_parts=parts))
        if problem:
            preview = text[:_PREVIEW_CHARS] if isinstance(text, str) else ""
            out.append(
                f'<p class="warn">{esc(problem)}</p><blockquote class="text">{esc(preview)}</blockquote>'
            )
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def campaign_html(
    report: Mapping[str, Any], *, title: str | None = None, sample_parts: int = _SAMPLE_PARTS
) -> str:
    """The report of ``smscodec analyze`` as one self-contained HTML page.

    Args:
        report: the report as ``smscodec analyze --json`` prints it (the dict of
            ``smscodec._report.Campaign.record``), or that JSON read back.  A ``sample``
            (the most expensive messages) is drawn with the viewer; a per-country table
            (``destinations``, from ``--prices``) is shown when present.
        title: the page's title (default: ``"smscodec · campaign report"``).
        sample_parts: parts of each sampled message drawn cell by cell.

    Returns:
        The page, as a ``str`` (write it as UTF-8).  Its size depends on the report's
        totals, its ranking and its sample, never on the number of messages.

    Raises:
        KeyError: ``report`` lacks one of the totals (``messages``, ``segments``,
            ``gsm7``, ``ucs2``).
    """
    options = report.get("options", {})
    label = _options_label(options)
    body = [
        "<header><h1>SMS campaign report</h1>",
        f'<p class="options">Options: {esc(label) or _NO_OPTIONS}.</p>',
        "</header>",
        _totals(report),
        _histogram(report),
        _share(report),
        _blockers(report),
        _savings(report),
        _countries(report),
        _sample(report, sample_parts),
    ]
    return _view.html_page(
        "\n".join(b for b in body if b), title=title or "smscodec · campaign report", generator=_generator()
    )
