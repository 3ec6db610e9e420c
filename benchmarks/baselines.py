"""The baselines' documents: the same entries as refpub's handbook, for other pipelines.

* plain WeasyPrint: one HTML document per language (headings, entries, contacts; the same
  fonts as refpub's handbook), written with ``weasyprint.HTML(...).write_pdf()`` and its
  default options;
* the peer pipeline: Typst (PDF) from a ``.typ`` document, and pandoc (EPUB 3) from Markdown,
  one of each per language.

Each writer is timed in a fresh process (imports included, as for ``refpub build``); see
``run.py``.
"""

from __future__ import annotations

import html
import re

FONTS = {
    "en": '"DejaVu Serif", "Noto Serif CJK JP", serif',
    "ja": '"Noto Serif CJK JP", "DejaVu Serif", serif',
}
TITLES = {"en": "Refugees and Asylum Seekers in Japan", "ja": "日本の難民と庇護希望者"}
HEADINGS = {"en": ("Readings", "Support organisations"), "ja": ("文献", "支援団体")}


def _split(records: list[dict]) -> tuple[list[dict], list[dict]]:
    return [r for r in records if r["kind"] == "reading"], [r for r in records if r["kind"] == "organisation"]


def to_html(records: list[dict], lang: str) -> str:
    """What the handbook shows of each entry (title, meta line, text, link; for organisations
    other names, services, region and contacts), in plain HTML with a minimal stylesheet."""
    readings, orgs = _split(records)
    e = html.escape
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(TITLES[lang])}</title>',
        f"<style>@page {{ size: A4; margin: 20mm }} body {{ font-family: {FONTS[lang]}; font-size: 10pt }}"
        " h2 { break-before: page } .meta { color: #555; font-size: 9pt }</style></head><body>",
        f"<h1>{e(TITLES[lang])}</h1>",
    ]
    section = None
    for r in sorted(readings, key=lambda r: r["section"]):
        if r["section"] != section:
            section = r["section"]
            out.append(f"<h2>{e(HEADINGS[lang][0])}: {e(section)}</h2>")
        meta = " · ".join(x for x in (r["publisher"], r["date"]) if x)
        link = f'<p class="meta"><a href="{e(r["url"])}">{e(r["url"])}</a></p>' if r["url"] else ""
        out.append(
            f'<section id="{r["id"]}"><h3>{e(r["title"])}</h3><p class="meta">{e(meta)}</p>'
            f"<p>{e(r['text'])}</p>{link}</section>"
        )
    out.append(f"<h2>{e(HEADINGS[lang][1])}</h2>")
    for o in orgs:
        other = f"<p>{e(o['other'])}</p>" if o["other"] else ""
        contacts = "".join(f"<dt>·</dt><dd>{e(c)}</dd>" for c in o["contacts"])
        out.append(
            f'<section id="{o["id"]}"><h3>{e(o["title"])}</h3>{other}<p>{e(o["text"])}</p>'
            f'<p class="meta">{e(", ".join(o["services"]))}</p><p class="meta">{e(o["region"])}</p>'
            f'<dl class="meta">{contacts}</dl></section>'
        )
    out.append("</body></html>")
    return "\n".join(out)


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_typst(records: list[dict], lang: str) -> str:
    readings, orgs = _split(records)
    fonts = ", ".join(_typst_string(f.strip().strip('"')) for f in FONTS[lang].split(",")[:2])
    out = [
        '#set page(paper: "a4", margin: 20mm)',
        f"#set text(font: ({fonts}), size: 10pt, lang: {_typst_string(lang)})",
        f"= #{_typst_string(TITLES[lang])}",
        f"#pagebreak()\n== #{_typst_string(HEADINGS[lang][0])}",
    ]
    for r in readings:
        meta = " · ".join(x for x in (r["publisher"], r["date"]) if x)
        link = f"\n\n#link({_typst_string(r['url'])})" if r["url"] else ""
        out.append(
            f"=== #{_typst_string(r['title'])}\n#text(size: 9pt, fill: luma(85), {_typst_string(meta)})\n\n#{_typst_string(r['text'])}{link}\n"
        )
    out.append(f"#pagebreak()\n== #{_typst_string(HEADINGS[lang][1])}")
    for o in orgs:
        contacts = "\n".join(f"- #{_typst_string(c)}" for c in [*o["services"], o["region"], *o["contacts"]])
        other = f"#{_typst_string(o['other'])}\n\n" if o["other"] else ""
        out.append(f"=== #{_typst_string(o['title'])}\n{other}#{_typst_string(o['text'])}\n\n{contacts}\n")
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~^$\"'&@=:;/%?])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(records: list[dict], lang: str) -> str:
    readings, orgs = _split(records)
    out = [f'---\ntitle: "{TITLES[lang]}"\nlang: {lang}\n---\n', f"# {_md(HEADINGS[lang][0])}\n"]
    for r in readings:
        meta = " · ".join(x for x in (r["publisher"], r["date"]) if x)
        parts = [f"## {_md(r['title'])}"]
        if meta:
            parts.append(f"*{_md(meta)}*")
        parts.append(_md(r["text"]))
        if r["url"]:
            parts.append(f"<{r['url']}>")
        out.append("\n\n".join(parts) + "\n")
    out.append(f"# {_md(HEADINGS[lang][1])}\n")
    for o in orgs:
        contacts = "\n".join(f"- {_md(c)}" for c in [*o["services"], o["region"], *o["contacts"]])
        other = f"{_md(o['other'])}\n\n" if o["other"] else ""
        out.append(f"## {_md(o['title'])}\n\n{other}{_md(o['text'])}\n\n{contacts}\n")
    return "\n".join(out)


# Scripts run in a fresh interpreter by run.py: argv = output folder, then the input files.
WEASYPRINT_SCRIPT = """
import sys, pathlib, weasyprint
out = pathlib.Path(sys.argv[1])
for src in sys.argv[2:]:
    src = pathlib.Path(src)
    weasyprint.HTML(filename=str(src)).write_pdf(str(out / (src.stem + '.pdf')))
"""

TYPST_SCRIPT = """
import sys, pathlib, typst
out = pathlib.Path(sys.argv[1])
for src in sys.argv[2:]:
    src = pathlib.Path(src)
    typst.compile(str(src), output=str(out / (src.stem + '.pdf')))
"""
