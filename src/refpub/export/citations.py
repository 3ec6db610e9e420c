"""The reading list as bibliographic data: CSL-JSON, RIS and BibLaTeX, for reference managers.

Three files, one per format, each holding every reading of the publication:

* ``readings.csl.json``: CSL-JSON (the input format of citeproc-js, Zotero and pandoc), valid
  against the CSL-JSON schema of the Citation Style Language project.
* ``readings.ris``: RIS, written by ``rispy``.
* ``readings.bib``: BibLaTeX, written by ``bibtexparser`` (version 2).

Titles are given as published (in the reading's ``language``). A reading whose title has been
translated in the content catalogs carries its translations too: in CSL-JSON under
``custom.translated-title`` (``{"ja": "…"}``; the schema's place for data no CSL variable
holds: ``original-title`` would say the reading itself is a translation, which it is not), in RIS
as ``TT`` (translated title) and in BibLaTeX as ``titleaddon`` in square brackets, the usual way
a bibliography shows a translated title.

Authors are written ``Given Family`` in readings.yaml (``Family Given`` for names in Chinese or
Japanese characters): the last word is the family name, or the first for CJK names; a name of
one word, or one that cannot be split, is given as written (CSL ``literal``). A name written in
parts (``{family: Iwasaki, given: Atsuko}``) is exported in those parts.
"""

from __future__ import annotations

import json
import re

from ..content.model import Content, Reading
from ..content.schema import CONTAINER_KINDS, READING_KIND_TABLE
from ..i18n.catalogs import content_context
from .base import Rendered, RenderSession
from .protocol import Inputs, Target, book_settings

KIND = "citations"
CSL_JSON = "readings.csl.json"
RIS = "readings.ris"
BIBLATEX = "readings.bib"

# refpub kind -> CSL type, RIS type, BibLaTeX entry type: from the one table of kinds.
CSL_TYPES = {kind.id: kind.csl for kind in READING_KIND_TABLE}
RIS_TYPES = {kind.id: kind.ris for kind in READING_KIND_TABLE}
BIBLATEX_TYPES = {kind.id: kind.biblatex for kind in READING_KIND_TABLE}
# Kinds whose `publisher` is the periodical or site the reading appeared in.
_CONTAINER_KINDS = CONTAINER_KINDS

# BibLaTeX's `langid` takes babel/polyglossia language names.
_BABEL_NAMES = {
    "en": "english",
    "ja": "japanese",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "pt": "portuguese",
    "zh": "chinese",
    "ko": "korean",
    "ar": "arabic",
    "fa": "persian",
    "tr": "turkish",
    "ru": "russian",
}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def split_name(name: str) -> dict:
    """A CSL name object for a name as readings.yaml writes it (see the module docstring)."""
    family, given = getattr(name, "family", ""), getattr(name, "given", "")
    if family:  # written in parts: {family: Iwasaki, given: Atsuko}
        return {"family": family, "given": given} if given else {"family": family}
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    if _CJK.search(name):
        return {"family": words[0], "given": " ".join(words[1:])}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def join_name(name: dict) -> str:
    """The inverse of :func:`split_name`: a CSL name object as readings.yaml writes it."""
    if name.get("literal"):
        return str(name["literal"]).strip()
    family = " ".join(str(name.get(k, "")).strip() for k in ("non-dropping-particle", "family") if name.get(k))
    given = " ".join(str(name.get(k, "")).strip() for k in ("given", "dropping-particle") if name.get(k))
    if not given:
        return family
    if not family:
        return given
    if _CJK.search(family + given):
        return f"{family} {given}"
    return f"{given} {family}"


def title_translations(reading: Reading, session: RenderSession) -> dict[str, str]:
    """language -> translated title, for every publication language with a translation."""
    found = {}
    context = content_context("reading", reading.id, "title")
    for lang in session.content.publication.languages:
        if lang == reading.language or lang == session.project.source_language:
            continue
        text = session.translations(lang).content(context, reading.title)
        if not text.fallback and str(text) != reading.title:
            found[lang] = str(text)
    return found


# ----------------------------------------------------------------------------- CSL-JSON


def csl_item(reading: Reading, translations: dict[str, str]) -> dict:
    item: dict = {"id": reading.id, "type": CSL_TYPES.get(reading.kind, "document"), "title": reading.title}
    if reading.authors:
        item["author"] = [split_name(a) for a in reading.authors]
    if reading.publisher:
        item["container-title" if reading.kind in _CONTAINER_KINDS else "publisher"] = reading.publisher
    if reading.date:
        d = reading.date
        item["issued"] = {"date-parts": [[p for p in (d.year, d.month, d.day) if p is not None]]}
    if reading.url:
        item["URL"] = reading.url
    if reading.kind == "report":
        item["genre"] = "Report"  # as BibLaTeX's `type`: styles print it (APA: "[Report]")
    if reading.summary:
        item["abstract"] = reading.summary
    if reading.note:
        item["note"] = reading.note
    item["language"] = reading.language
    if translations:
        item["custom"] = {"translated-title": dict(sorted(translations.items()))}
    return item


def csl_json(content: Content, session: RenderSession) -> bytes:
    items = [csl_item(r, title_translations(r, session)) for r in content.readings]
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- RIS


def ris_record(reading: Reading, translations: dict[str, str]) -> dict:
    record: dict = {"type_of_reference": RIS_TYPES.get(reading.kind, "GEN"), "id": reading.id, "title": reading.title}
    if reading.authors:
        # RIS names are "Family, Given".
        record["authors"] = [_family_first(a) for a in reading.authors]
    if reading.publisher:
        if reading.kind in _CONTAINER_KINDS:
            record["secondary_title"] = reading.publisher
        else:
            record["publisher"] = reading.publisher
    if reading.date:
        d = reading.date
        record["year"] = f"{d.year:04d}"
        record["date"] = "/".join(
            [f"{d.year:04d}", f"{d.month:02d}" if d.month else "", f"{d.day:02d}" if d.day else ""]
        )
    if reading.url:
        record["urls"] = [reading.url]
    if reading.summary:
        record["abstract"] = reading.summary
    if reading.note:
        record["notes"] = [reading.note]
    record["language"] = reading.language
    if translations:
        record["translated_title"] = [translations[k] for k in sorted(translations)]
    return record


def _family_first(name: str) -> str:
    parts = split_name(name)
    if "literal" in parts:
        return parts["literal"]
    return f"{parts['family']}, {parts['given']}" if parts.get("given") else parts["family"]


# RIS tags that may repeat (rispy's list tags, plus TT: one translated title per language).
RIS_LIST_TAGS = ["A1", "A2", "A3", "A4", "AU", "KW", "N1", "UR", "TT"]


def _one_line(value):
    # An RIS value ends at the end of its line.
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    return " ".join(value.split())


def ris(content: Content, session: RenderSession) -> bytes:
    import rispy
    from rispy.writer import RisWriter

    class Writer(RisWriter):
        def set_header(self, count):  # no "1." line before each record: a file starts with TY
            return ""

    records = [
        {k: _one_line(v) for k, v in ris_record(r, title_translations(r, session)).items()} for r in content.readings
    ]
    return rispy.dumps(records, implementation=Writer, list_tags=RIS_LIST_TAGS).encode("utf-8")


# ----------------------------------------------------------------------------- BibLaTeX


def _bib_escape(text: str) -> str:
    # Characters special to (La)TeX in a braced field; bibtexparser writes values as given.
    # "--" and "---" are TeX's dashes: "-{}-" keeps the hyphens the title has.
    return re.sub(r"-(?=-)", "-{}", _tex_escape(text))


def _tex_escape(text: str) -> str:
    return re.sub(
        r"([\\{}%&$#_^~])",
        lambda m: {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(
            m.group(1), "\\" + m.group(1)
        ),
        text,
    )


# Name lists (biblatex manual, 2.3.3) and literal lists (2.3.4): " and " separates their items.
_BIB_LIST_FIELDS = ("publisher", "institution", "organization")


def _bib_name(name: str) -> str:
    """A name for a BibLaTeX name list: ``Family, Given`` (each part escaped and, if it holds
    " and " or a comma, braced), or a name of one part (a corporate or one-word name) in braces,
    so biber never splits it."""
    parts = split_name(name)
    if "literal" in parts or not parts.get("given"):
        return "{" + _bib_escape(parts.get("literal") or parts["family"]) + "}"

    def part(text: str) -> str:
        escaped = _bib_escape(text)
        return "{" + escaped + "}" if re.search(r",|\sand\s", text, re.IGNORECASE) else escaped

    return f"{part(parts['family'])}, {part(parts['given'])}"


def _bib_protect_case(text: str) -> str:
    """Escaped text whose words with a capital letter are in braces: BibTeX styles and pandoc
    lower-case the words of an English title (sentence case) except those in braces. Only the
    letters are braced (``'{If}``, ``{Asylum}-seekers``), so quotes and hyphens still read as such."""
    # A straight quote opening a quotation is TeX's opening quote (`), as a reader of TeX expects.
    text = re.sub(r"(?:(?<=^)|(?<=[\s(\[]))'(?=\w)", "`", _bib_escape(text))
    return re.sub(
        r"(?<!\\)[^\W_]+",
        lambda m: "{" + m.group(0) + "}" if any(c.isupper() for c in m.group(0)) else m.group(0),
        text,
    )


def biblatex_fields(reading: Reading, translations: dict[str, str]) -> list[tuple[str, str]]:
    fields = [("title", _bib_protect_case(reading.title))]
    if reading.authors:
        fields.append(("author", " and ".join(_bib_name(a) for a in reading.authors)))
    if reading.publisher:
        if reading.kind in ("article", "journal-article"):
            fields.append(("journaltitle", _bib_escape(reading.publisher)))
        elif reading.kind == "report":
            fields.append(("institution", "{" + _bib_escape(reading.publisher) + "}"))
        elif reading.kind in ("blog", "website"):
            fields.append(("organization", "{" + _bib_escape(reading.publisher) + "}"))
        else:
            fields.append(("publisher", "{" + _bib_escape(reading.publisher) + "}"))
    if reading.kind == "article":
        fields.append(("entrysubtype", "newspaper"))  # biblatex-apa and pandoc: a newspaper article
    if reading.kind == "report":
        fields.append(("type", "Report"))
    if reading.date:
        fields.append(("date", reading.date.isoformat()))
    if reading.url:
        fields.append(("url", _bib_url(reading.url)))
    if reading.summary:
        fields.append(("abstract", _bib_escape(reading.summary)))
    if reading.note:
        fields.append(("note", _bib_escape(reading.note)))
    fields.append(("langid", _BABEL_NAMES.get(reading.language.split("-")[0], reading.language)))
    if translations:
        fields.append(("titleaddon", " ".join(f"[{_bib_protect_case(translations[k])}]" for k in sorted(translations))))
    return fields


def _bib_url(url: str) -> str:
    # biblatex reads `url` verbatim, so braces and backslashes cannot be escaped: percent-encode
    # them (content/validate.py refuses them in links already; this keeps the file sound regardless).
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def biblatex(content: Content, session: RenderSession) -> bytes:
    import bibtexparser
    from bibtexparser import model

    library = bibtexparser.Library()
    for r in content.readings:
        fields = [model.Field(k, v) for k, v in biblatex_fields(r, title_translations(r, session))]
        library.add(model.Entry(BIBLATEX_TYPES.get(r.kind, "misc"), r.id, fields))
    return bibtexparser.write_string(library).encode("utf-8")


# ----------------------------------------------------------------------------- the exporter

_WRITERS = {CSL_JSON: csl_json, RIS: ris, BIBLATEX: biblatex}


class CitationsExporter:
    kind = KIND

    def targets(self, content: Content) -> list[Target]:
        return [Target(self.kind, name) for name in _WRITERS]

    def inputs(self, target: Target, content: Content) -> Inputs:
        # The readings only, with their translations in every language.
        return Inputs(content.readings, book_settings(content), tuple(content.publication.languages))

    def render(self, target: Target, session: RenderSession) -> Rendered:
        return Rendered(_WRITERS[target.filename](session.content, session))
