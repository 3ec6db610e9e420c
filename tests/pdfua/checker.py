"""An independent PDF/UA-1 checker for the test suite, built on pikepdf.

veraPDF itself is the judge (tests/pdfua/test_verapdf.py runs it on every PDF). This module, quick
and in-process, implements a subset of the rules of veraPDF's
published PDF/UA-1 validation profile (veraPDF/veraPDF-validation-profiles, PDF_UA/PDFUA-1.xml) and
reports them under the profile's own ids ("7.18.5-1" = ISO 14289-1 clause 7.18.5, test 1). Where the
profile's test is a formula over veraPDF's object model, the code here follows that formula; the few
places where it is narrower or wider than veraPDF are listed in ``RULES_NOTES`` below (and printed by
``--rules``).

One check is not in the profile: ``refpub-lang-bcp47`` (every /Lang is a well-formed BCP 47 tag).
The profile's own 7.2-29 only checks RFC 3066 syntax (``[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*``).

Usage::

    from .checker import check, format_failures  # in tests/pdfua (pytest imports it as pdfua.checker)
    failures = check("out.pdf")                  # a path, bytes or a pikepdf.Pdf
    assert not failures, format_failures(failures)

    .venv/bin/python tests/pdfua/checker.py build/*.pdf   # failures grouped by rule, with counts
    .venv/bin/python tests/pdfua/checker.py --rules        # the implemented rules and the differences
"""

from __future__ import annotations

import argparse
import bisect
import io
import re
import struct
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

__all__ = ["RULES", "Failure", "check", "format_failures", "main"]


@dataclass(frozen=True)
class Failure:
    rule: str  # the profile's id, e.g. "7.18.5-1"
    message: str
    where: str  # "document", "page 3", "page 3 > /Fm1", "struct /Document[0]/P[2]", ...

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.message}"


# The rules this checker implements, with the profile's description (abridged where long).
RULES: dict[str, str] = {
    "5-1": "The PDF/UA version and conformance level shall be specified using the PDF/UA Identification extension schema",
    "5-2": 'The value of "pdfuaid:part" shall be the part number of the International Standard (1)',
    "6.1-1": 'The file header shall consist of "%PDF-1.n" followed by a single EOL marker (n in 0..7)',
    "6.2-1": "The document catalog shall include a MarkInfo dictionary with Marked true",
    "7.1-1": "Content marked as Artifact should not be present inside tagged content",
    "7.1-2": "Tagged content should not be present inside content marked as Artifact",
    "7.1-3": "Content shall be marked as Artifact or tagged as real content",
    "7.1-4": "Files shall have a Suspects value of false",
    "7.1-5": "All non-standard structure types shall be mapped (possibly indirectly) to a standard type in the role map",
    "7.1-6": "A circular mapping shall not exist",
    "7.1-7": "Standard tags shall not be remapped",
    "7.1-8": "The Catalog shall contain a Metadata stream (Type /Metadata, Subtype /XML)",
    "7.1-9": "The Metadata stream shall contain a dc:title entry",
    "7.1-10": "The ViewerPreferences dictionary shall contain DisplayDocTitle true",
    "7.1-11": "The logical structure shall be rooted in the StructTreeRoot entry of the catalog",
    "7.1-12": "A structure element dictionary shall contain the P (parent) entry",
    "7.2-2": "Natural language in the Outline entries shall be determined",
    "7.2-3": "Table element may contain only TR, THead, TBody, TFoot and Caption elements",
    "7.2-4": "TR element should be contained in Table, THead, TBody or TFoot element",
    "7.2-5": "THead element should be contained in Table element",
    "7.2-6": "TBody element should be contained in Table element",
    "7.2-7": "TFoot element should be contained in Table element",
    "7.2-8": "TH element should be contained in TR element",
    "7.2-9": "TD element should be contained in TR element",
    "7.2-10": "TR element may contain only TH and TD elements",
    "7.2-11": "Table element should contain zero or one THead kid",
    "7.2-12": "Table element should contain zero or one TFoot kid",
    "7.2-13": "If Table element contains TFoot kid, Table element should contain one or more TBody kids",
    "7.2-14": "If Table element contains THead kid, Table element should contain one or more TBody kids",
    "7.2-16": "Table element may contain a Caption element as its first or last kid",
    "7.2-17": "LI element should be contained in L element",
    "7.2-18": "LBody element should be contained in LI element",
    "7.2-19": "L element may contain only L, LI and Caption elements",
    "7.2-20": "LI element may contain only Lbl and LBody elements",
    "7.2-21": "Natural language for text in ActualText attribute shall be determined",
    "7.2-22": "Natural language for text in Alt attribute shall be determined",
    "7.2-23": "Natural language for text in E attribute shall be determined",
    "7.2-24": "Natural language in the Contents entry for annotations shall be determined",
    "7.2-26": "TOCI element should be contained in TOC element",
    "7.2-27": "TOC element may contain only TOC, TOCI and Caption elements",
    "7.2-28": "TOC element may contain a Caption element only as its first kid",
    "7.2-29": "A Lang value shall be a language identifier (RFC 3066 Language-Tag)",
    "7.2-33": "Natural language for document metadata shall be determined",
    "7.2-34": "Natural language for text in page content shall be determined",
    "7.2-36": "THead element may contain only TR elements",
    "7.2-37": "TBody element may contain only TR elements",
    "7.2-38": "TFoot element may contain only TR elements",
    "7.2-39": "Table element may contain only one Caption element",
    "7.2-40": "L element may contain a Caption element only as its first kid",
    "7.3-1": "Figure tags shall include an alternative representation or replacement text (Alt or ActualText)",
    "7.4.2-1": "Heading levels: H1 first, no skipped level when descending (hasCorrectNestingLevel)",
    "7.4.4-1": "Each node in the tag tree shall contain at most one child H tag",
    "7.4.4-2": "All documents shall be either strongly or weakly structured, but not both (H used with Hn)",
    "7.4.4-3": "All documents shall be either strongly or weakly structured, but not both (Hn used with H)",
    "7.7-1": "Mathematical expressions (Formula) shall have Alt or ActualText attributes",
    "7.9-1": "Note tag shall have ID entry",
    "7.9-2": "Each Note tag shall have unique ID key",
    "7.10-1": "Each optional content configuration dictionary shall contain the Name key",
    "7.10-2": "The AS key shall not appear in any optional content configuration dictionary",
    "7.18.1-1": "An annotation, excluding Widget, PrinterMark or Link, shall be nested within an Annot tag",
    "7.18.1-2": "An annotation (except Widget, hidden, outside the crop box) shall have Contents or an Alt entry in the enclosing structure element",
    "7.18.2-1": "Annotations of subtype TrapNet shall not be permitted",
    "7.18.3-1": "Every page on which there is an annotation shall contain the key Tabs with value S",
    "7.18.4-1": "A Widget annotation shall be nested within a Form tag",
    "7.18.5-1": "Links shall be tagged according to ISO 32000-1:2008, 14.8.4.4.2, Link Element",
    "7.18.5-2": "Links shall contain an alternate description via their Contents key",
    "7.18.8-1": "PrinterMark annotations shall be artifacts (not in the structure tree)",
    "7.20-1": "A conforming file shall not contain any reference XObjects",
    "7.21.4.1-1": "The font programs for all fonts used for rendering shall be embedded",
    "7.21.7-1": "All used character codes shall map to Unicode (ToUnicode or a standard mechanism)",
    "7.21.7-2": "The Unicode values in the ToUnicode CMap shall not be U+0000, U+FEFF or U+FFFE",
    "7.21.8-1": "No reference to the .notdef glyph from text showing operators",
    "refpub-lang-bcp47": "(not in the profile) every Lang value is a well-formed BCP 47 language tag (RFC 5646)",
}
RULES_NOTES = """
Differences from veraPDF, kept on purpose:
* 7.1-3: one failure per marked-content sequence (or unmarked stretch) holding untagged content, not one
  per content item; 7.2-34 likewise one per sequence.
* "tagged" = the MCID's ParentTree entry is a structure element reachable from StructTreeRoot through
  /K, and that element's /K holds the MCID (an int with the inherited /Pg, or an MCR dictionary with
  /Pg or /Stm). veraPDF only follows the ParentTree entry's /P up to the root.
* 7.18.5-1 also requires that the Link element's /K holds an OBJR pointing at the annotation.
* 7.21.7-1 without a ToUnicode CMap: codes of simple fonts with a standard named encoding count as
  mapped (non-symbolic fonts), Differences names through the Adobe Glyph List (fontTools.agl);
  Type0 fonts only with a predefined Adobe-{GB1,CNS1,Japan1,Korea1} CMap. Code-level checks for Type0
  fonts need Identity-H/V or an embedded CMap; with another predefined CMap only the font is checked.
* 7.21.8-1: only detected where it does not need the font program: CID 0 (Identity CIDToGIDMap or a
  CIDToGIDMap stream mapping to glyph 0) and simple-font Differences naming /.notdef.
Not implemented: 7.1-3 for annotation appearance streams, 7.2-15, 7.2-25, 7.2-30..32, 7.2-41..43,
7.5-x, 7.11-1, 7.15-1, 7.16-1, 7.18.1-3, 7.18.4-2, 7.18.6.2-x, 7.20-2, 7.21.3.x, 7.21.4.1-2, 7.21.4.2-x,
7.21.5-1, 7.21.6-x (these need the font programs, table geometry or forms).
"""

# ISO 32000-1:2008, 14.8.4: the standard structure types.
STANDARD_TYPES = frozenset(
    """Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
    Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
    Figure Formula Form""".split()
)
HN = re.compile(r"^H([1-9][0-9]*)$")
RFC3066 = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_AN = "[a-zA-Z0-9]"
BCP47 = re.compile(
    rf"""^(?:
      (?:[a-zA-Z]{{2,3}}(?:-[a-zA-Z]{{3}}){{0,3}}|[a-zA-Z]{{4,8}})   # language (with extlang)
      (?:-[a-zA-Z]{{4}})?                                          # script
      (?:-(?:[a-zA-Z]{{2}}|[0-9]{{3}}))?                           # region
      (?:-(?:{_AN}{{5,8}}|[0-9]{_AN}{{3}}))*                       # variants
      (?:-[0-9a-wyzA-WYZ](?:-{_AN}{{2,8}})+)*                      # extensions
      (?:-[xX](?:-{_AN}{{1,8}})+)?                                 # private use
    | [xX](?:-{_AN}{{1,8}})+
    | en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn
    | i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE
    )$""",
    re.VERBOSE,
)
PATH_PAINT = frozenset("S s f F f* B B* b b* sh".split())
TEXT_SHOW = frozenset(["Tj", "TJ", "'", '"'])
STANDARD_ENCODINGS = frozenset(["/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding", "/MacExpertEncoding"])
ADOBE_ORDERINGS = frozenset(["GB1", "CNS1", "Japan1", "Korea1"])


def _text(obj) -> str | None:
    """A PDF string (or name) as str; None when absent or not a string."""
    if obj is None:
        return None
    if isinstance(obj, pikepdf.String):
        return str(obj)
    if isinstance(obj, Name):
        return str(obj)[1:]
    if isinstance(obj, str):
        return obj
    return None


def _key(obj) -> tuple:
    """A stable identity for a PDF object: its object number when indirect."""
    if obj.is_indirect:
        return obj.objgen
    return ("direct", id(obj))


def _name(obj) -> str | None:
    return str(obj)[1:] if isinstance(obj, Name) else None


# --------------------------------------------------------------------------------------------
# The structure tree


@dataclass
class Elem:
    obj: Dictionary
    raw_type: str
    std_type: str  # after the role map; the raw type when it maps to nothing standard
    parent: Elem | None
    path: str
    lang: str | None  # inherited: own /Lang or the nearest ancestor's
    kids: list[Elem] = field(default_factory=list)
    objrs: list[Dictionary] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"struct {self.path}"


class _Tounicode:
    """A parsed ToUnicode CMap: code -> str (bfchar and bfrange)."""

    _hex = re.compile(rb"<([0-9A-Fa-f\s]*)>")

    def __init__(self, data: bytes) -> None:
        self.single: dict[int, str] = {}
        self.ranges: list[tuple[int, int, object]] = []  # (lo, hi, str start or list)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            toks = self._hex.findall(block)
            for src, dst in zip(toks[0::2], toks[1::2]):
                self.single[int(b"".join(src.split()) or b"0", 16)] = self._utf16(dst)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for m in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", block):
                lo, hi, dst = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
                if dst.startswith(b"["):
                    target: object = [self._utf16(t) for t in self._hex.findall(dst)]
                else:
                    target = self._utf16(dst[1:-1])
                self.ranges.append((lo, hi, target))
        self.ranges.sort(key=lambda r: r[0])
        self._los = [r[0] for r in self.ranges]

    @staticmethod
    def _utf16(hexdigits: bytes) -> str:
        raw = bytes.fromhex(b"".join(hexdigits.split()).decode())
        if len(raw) % 2:
            raw = b"\0" + raw
        return raw.decode("utf-16-be", "surrogatepass")

    def get(self, code: int) -> str | None:
        if code in self.single:
            return self.single[code]
        for i in range(bisect.bisect_right(self._los, code) - 1, -1, -1):
            lo, hi, target = self.ranges[i]
            if lo <= code <= hi:
                if isinstance(target, list):
                    return target[code - lo] if code - lo < len(target) else None
                if not target:
                    return target
                return target[:-1] + chr(ord(target[-1]) + code - lo)
        return None


@dataclass
class _FontUse:
    font: Dictionary
    name: str
    where: str
    rendered: bool = False  # used at least once with a rendering mode other than 3
    codes: set = field(default_factory=set)
    code_len: int | None = 1  # bytes per code; None = variable/unknown (codes not collected)
    codespace: list | None = None  # [(nbytes, lo, hi)] for an embedded CMap


class _Frame:
    __slots__ = ("artifact", "elem", "lang", "reported3", "reported34", "tag", "tagged")

    def __init__(self, tag, elem, tagged, artifact, lang):
        self.tag = tag
        self.elem = elem
        self.tagged = tagged
        self.artifact = artifact
        self.lang = lang
        self.reported3 = False
        self.reported34 = False


@dataclass
class _Headings:
    """What check_structure knows of the document's headings while it walks them."""

    has_h: bool
    has_hn: bool
    last_level: int = 0


@dataclass(frozen=True)
class _KidRules:
    """The parents an element may have and the kids it may hold, with the rules that say so."""

    parents: tuple[str, ...] = ()
    parent_rule: str | None = None
    kids: tuple[str, ...] = ()
    kids_rule: str | None = None
    caption_rule: str | None = None  # a Caption only as the first kid


_TABLE_PARTS = ("Table", "THead", "TBody", "TFoot")
_KID_RULES: dict[str, _KidRules] = {
    "L": _KidRules(kids=("L", "LI", "Caption"), kids_rule="7.2-19", caption_rule="7.2-40"),
    "LI": _KidRules(parents=("L",), parent_rule="7.2-17", kids=("Lbl", "LBody"), kids_rule="7.2-20"),
    "LBody": _KidRules(parents=("LI",), parent_rule="7.2-18"),
    "Table": _KidRules(kids=("TR", "THead", "TBody", "TFoot", "Caption"), kids_rule="7.2-3"),
    "TR": _KidRules(parents=_TABLE_PARTS, parent_rule="7.2-4", kids=("TH", "TD"), kids_rule="7.2-10"),
    "THead": _KidRules(parents=("Table",), parent_rule="7.2-5", kids=("TR",), kids_rule="7.2-36"),
    "TBody": _KidRules(parents=("Table",), parent_rule="7.2-6", kids=("TR",), kids_rule="7.2-37"),
    "TFoot": _KidRules(parents=("Table",), parent_rule="7.2-7", kids=("TR",), kids_rule="7.2-38"),
    "TH": _KidRules(parents=("TR",), parent_rule="7.2-8"),
    "TD": _KidRules(parents=("TR",), parent_rule="7.2-9"),
    "TOC": _KidRules(kids=("TOC", "TOCI", "Caption"), kids_rule="7.2-27", caption_rule="7.2-28"),
    "TOCI": _KidRules(parents=("TOC",), parent_rule="7.2-26"),
}


@dataclass
class _ContentWalk:
    """The state of one content stream's walk: the marked-content frames, the saved graphics
    states, the current font and text rendering mode, and the stream's resources."""

    resources: object
    struct_parents: int | None
    stream_key: tuple
    where: str
    forms: tuple
    page_no: int
    stack: list = field(default_factory=list)
    saved: list = field(default_factory=list)  # (font, tr) at each q
    font: _FontUse | None = None
    tr: int = 0

    def _resource(self, name: str):
        return self.resources.get(name) if isinstance(self.resources, Dictionary) else None

    @property
    def frame(self) -> _Frame:
        return self.stack[-1]

    @property
    def properties(self):
        return self._resource("/Properties")

    @property
    def fonts(self):
        return self._resource("/Font")

    @property
    def xobjects(self):
        return self._resource("/XObject")


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf, header: bytes | None) -> None:
        self.pdf = pdf
        self.root = pdf.Root
        self.header = header
        self.failures: list[Failure] = []
        self.catalog_lang = bool(_text(self.root.get("/Lang")))
        self.elems: list[Elem] = []
        self.elem_by_key: dict[tuple, Elem] = {}
        self.mcid_owner: dict[tuple, Elem] = {}  # (page/stream key, mcid) -> element whose /K holds it
        self.objr_owner: dict[tuple, Elem] = {}  # annotation key -> element whose /K has an OBJR to it
        self.parent_tree: dict[int, object] = {}
        self.role_map: dict[str, str] = {}
        self.fonts: dict[tuple, _FontUse] = {}
        self.forms_parsed: dict[tuple, list] = {}
        self.tounicode: dict[tuple, _Tounicode | None] = {}

    def fail(self, rule: str, message: str, where: str) -> None:
        self.failures.append(Failure(rule, message, where))

    # ---- document level ----------------------------------------------------------------

    def run(self) -> list[Failure]:
        self.check_document()
        self.check_metadata()
        st = self.root.get("/StructTreeRoot")
        if isinstance(st, Dictionary):
            self.read_role_map(st)
            self.read_parent_tree(st)
            self.walk_structure(st)
            self.check_structure()
        else:
            self.fail("7.1-11", "the catalog has no StructTreeRoot", "document")
        for index, page in enumerate(self.pdf.pages, start=1):
            self.check_page_content(page, index)
            self.check_annotations(page, index)
        self.check_fonts()
        return self.failures

    def check_document(self) -> None:
        root = self.root
        if self.header is not None:
            first = self.header.split(b"\n", 1)[0].split(b"\r", 1)[0]
            if not re.fullmatch(rb"%PDF-1\.[0-7]", first):
                self.fail("6.1-1", f"the header is {first[:20]!r}", "document")
        mark_info = root.get("/MarkInfo")
        if not isinstance(mark_info, Dictionary) or mark_info.get("/Marked") is not True:
            self.fail("6.2-1", "MarkInfo /Marked is not true", "document")
        if isinstance(mark_info, Dictionary) and mark_info.get("/Suspects") is True:
            self.fail("7.1-4", "MarkInfo /Suspects is true", "document")
        prefs = root.get("/ViewerPreferences")
        if not isinstance(prefs, Dictionary) or prefs.get("/DisplayDocTitle") is not True:
            self.fail("7.1-10", "ViewerPreferences /DisplayDocTitle is not true", "document")
        self.check_lang_value(root.get("/Lang"), "catalog")
        # 7.2-2: outline items need a catalog Lang
        outlines = root.get("/Outlines")
        if not self.catalog_lang and isinstance(outlines, Dictionary):
            seen: set = set()
            stack = [outlines.get("/First")]
            while stack:
                item = stack.pop()
                if not isinstance(item, Dictionary) or _key(item) in seen:
                    continue
                seen.add(_key(item))
                self.fail("7.2-2", f"outline entry {_text(item.get('/Title'))!r}: the catalog has no Lang", "outline")
                stack.extend([item.get("/Next"), item.get("/First")])
        # 7.10-1 / 7.10-2
        ocprops = root.get("/OCProperties")
        if isinstance(ocprops, Dictionary):
            configs = [ocprops.get("/D"), *list(ocprops.get("/Configs", []))]
            for i, config in enumerate(configs):
                if not isinstance(config, Dictionary):
                    continue
                where = "OCProperties /D" if i == 0 else f"OCProperties /Configs[{i - 1}]"
                if not _text(config.get("/Name")):
                    self.fail("7.10-1", "optional content configuration without a Name", where)
                if "/AS" in config:
                    self.fail("7.10-2", "optional content configuration with an AS key", where)

    def check_metadata(self) -> None:
        meta = self.root.get("/Metadata")
        if not isinstance(meta, Stream) or meta.get("/Type") != Name.Metadata or meta.get("/Subtype") != Name.XML:
            self.fail("7.1-8", "the catalog has no Metadata stream with /Type /Metadata /Subtype /XML", "document")
            if not isinstance(meta, Stream):
                self.fail("7.1-9", "no XMP metadata, so no dc:title", "document")
                self.fail("5-1", "no XMP metadata, so no PDF/UA identification", "document")
                return
        try:
            xmp = meta.read_bytes()
        except pikepdf.PdfError as exc:
            self.fail("7.1-8", f"the Metadata stream cannot be read: {exc}", "document")
            return
        from xml.etree import ElementTree as ET

        try:
            tree = ET.fromstring(xmp)
        except ET.ParseError as exc:
            self.fail("7.1-9", f"the XMP metadata is not well-formed XML: {exc}", "document")
            self.fail("5-1", "the XMP metadata is not well-formed XML", "document")
            return
        dc, uaid, rdf = (
            "http://purl.org/dc/elements/1.1/",
            "http://www.aiim.org/pdfua/ns/id/",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        )
        if tree.find(f".//{{{dc}}}title") is None:
            self.fail("7.1-9", "the XMP metadata has no dc:title", "document")
        parts = [e.text for e in tree.iter(f"{{{uaid}}}part")]
        for desc in tree.iter(f"{{{rdf}}}Description"):
            if f"{{{uaid}}}part" in desc.attrib:
                parts.append(desc.attrib[f"{{{uaid}}}part"])
        if not parts:
            self.fail("5-1", "the XMP metadata has no pdfuaid:part", "document")
        elif (parts[0] or "").strip() != "1":
            self.fail("5-2", f"pdfuaid:part is {parts[0]!r}, not 1", "document")
        if not self.catalog_lang and re.search(rb'xml:lang=["\']x-default["\']', xmp):
            self.fail(
                "7.2-33", "the metadata has an x-default language alternative but the catalog has no Lang", "document"
            )

    def check_lang_value(self, value, where: str) -> None:
        if value is None:
            return
        text = _text(value)
        if text is None:
            self.fail("7.2-29", f"Lang is not a string: {value!r}", where)
            return
        if not RFC3066.match(text):
            self.fail("7.2-29", f"Lang {text!r} is not an RFC 3066 language tag", where)
        if not BCP47.match(text):
            self.fail("refpub-lang-bcp47", f"Lang {text!r} is not a well-formed BCP 47 tag", where)

    # ---- structure tree ---------------------------------------------------------------------

    def read_role_map(self, st: Dictionary) -> None:
        rm = st.get("/RoleMap")
        if not isinstance(rm, Dictionary):
            return
        for k in rm.keys():
            target = _name(rm[k])
            if target is not None:
                self.role_map[k[1:]] = target
        for source in self.role_map:
            if source in STANDARD_TYPES:
                self.fail("7.1-7", f"the standard type {source} is remapped to {self.role_map[source]}", "RoleMap")

    def standard_type(self, raw: str, where: str, report: bool) -> str:
        if raw in STANDARD_TYPES:
            return raw
        seen = [raw]
        current = raw
        while current in self.role_map:
            current = self.role_map[current]
            if current in STANDARD_TYPES:
                return current
            if current in seen:
                if report:
                    self.fail("7.1-6", "circular role mapping " + " -> ".join([*seen, current]), where)
                return raw
            seen.append(current)
        if report:
            self.fail("7.1-5", f"the type {raw} is not mapped to a standard type", where)
        return raw

    def read_parent_tree(self, st: Dictionary) -> None:
        pt = st.get("/ParentTree")
        seen: set = set()
        stack = [pt]
        while stack:
            node = stack.pop()
            if not isinstance(node, Dictionary) or _key(node) in seen:
                continue
            seen.add(_key(node))
            nums = node.get("/Nums")
            if isinstance(nums, Array):
                for i in range(0, len(nums) - 1, 2):
                    try:
                        self.parent_tree[int(nums[i])] = nums[i + 1]
                    except (TypeError, ValueError):
                        pass
            stack.extend(node.get("/Kids", []))

    def walk_structure(self, st: Dictionary) -> None:
        """Depth-first, in document order; fills elems, mcid_owner and objr_owner."""
        type_cache: dict[str, str] = {}
        visited: set = set()
        # stack of (kid object, parent Elem or None, inherited page, inherited Lang, label among siblings)
        stack: list = list(reversed(_kid_entries(st.get("/K", Array()), None, None, _text(self.root.get("/Lang")))))
        while stack:
            item, parent, page, lang, label = stack.pop()
            if self.record_content_reference(item, parent, page) or not isinstance(item, Dictionary):
                continue
            if "/S" not in item or _key(item) in visited:
                continue  # not an element; or a cycle, or an element shared by two parents: walked once
            visited.add(_key(item))
            elem = self.add_element(item, parent, lang, label, type_cache)
            if "/K" in item:
                stack.extend(reversed(_kid_entries(item.get("/K"), elem, item.get("/Pg", page), elem.lang)))

    def record_content_reference(self, item, parent: Elem | None, page) -> bool:
        """Note who owns a marked-content id (an integer or an MCR) or an annotation (an OBJR);
        whether ``item`` was one of those."""
        if isinstance(item, int) and not isinstance(item, bool):
            if page is not None:
                self.mcid_owner[(_key(page), int(item))] = parent
            return True
        typ = item.get("/Type") if isinstance(item, Dictionary) else None
        if typ == Name.MCR:
            stm = item.get("/Stm")
            owner = stm if isinstance(stm, Stream) else item.get("/Pg", page)
            mcid = item.get("/MCID")
            if owner is not None and mcid is not None and parent is not None:
                self.mcid_owner[(_key(owner), int(mcid))] = parent
            return True
        if typ == Name.OBJR:
            obj = item.get("/Obj")
            if isinstance(obj, Dictionary) and parent is not None:
                self.objr_owner[_key(obj)] = parent
                parent.objrs.append(obj)
            return True
        return False

    def add_element(self, item: Dictionary, parent: Elem | None, lang, label, type_cache: dict[str, str]) -> Elem:
        """A structure element as an Elem (its standard type, path and language), with its own
        rules: a well-formed /Lang, a /P entry."""
        raw = _name(item.get("/S")) or ""
        path = (parent.path if parent else "") + "/" + (label or raw)
        where = f"struct {path}"
        if raw not in type_cache:
            type_cache[raw] = self.standard_type(raw, where, report=True)
        own_lang = item.get("/Lang")
        if own_lang is not None:
            self.check_lang_value(own_lang, where)
        elem = Elem(item, raw, type_cache[raw], parent, path, _text(own_lang) or lang)
        self.elems.append(elem)
        self.elem_by_key[_key(item)] = elem
        if parent is not None:
            parent.kids.append(elem)
        if "/P" not in item:
            self.fail("7.1-12", "structure element without a /P entry", where)
        return elem

    def check_structure(self) -> None:
        """The structure elements: each type's rules on its parent and kids (``_KID_RULES``),
        then the rules of headings and of the language of Alt, ActualText and E."""
        note_ids: Counter = Counter(
            _text(e.obj.get("/ID")) for e in self.elems if e.std_type == "Note" and _text(e.obj.get("/ID"))
        )
        headings = _Headings(
            has_h=any(e.std_type == "H" for e in self.elems), has_hn=any(HN.match(e.std_type) for e in self.elems)
        )
        for e in self.elems:
            kids = [k.std_type for k in e.kids]
            parent_type = e.parent.std_type if e.parent else ""
            self.check_parent_and_kids(e, kids, parent_type)
            if e.std_type == "Table":
                self.check_table(e, kids)
            elif e.std_type in ("Figure", "Formula"):
                self.check_alternative(e)
            elif e.std_type == "Note":
                self.check_note(e, note_ids)
            self.check_heading(e, kids, headings)
            self.check_alt_lang(e)

    def check_parent_and_kids(self, e: Elem, kids: list[str], parent_type: str) -> None:
        """Where an element may stand and which kids it may have (lists, tables, contents)."""
        rules = _KID_RULES.get(e.std_type)
        if rules is None:
            return
        t, where = e.std_type, e.where
        if rules.parent_rule and parent_type not in rules.parents:
            self.fail(rules.parent_rule, f"{t} is in {parent_type or 'the root'}", where)
        bad = [k for k in kids if k not in rules.kids]
        if rules.kids_rule and bad:
            self.fail(rules.kids_rule, f"{t} has kids {', '.join(bad)}", where)
        if rules.caption_rule and "Caption" in kids[1:]:
            self.fail(rules.caption_rule, f"{t} has a Caption that is not its first kid", where)

    def check_table(self, e: Elem, kids: list[str]) -> None:
        count, where = Counter(kids), e.where
        if count["THead"] > 1:
            self.fail("7.2-11", f"Table has {count['THead']} THead kids", where)
        if count["TFoot"] > 1:
            self.fail("7.2-12", f"Table has {count['TFoot']} TFoot kids", where)
        if count["TFoot"] and not count["TBody"]:
            self.fail("7.2-13", "Table has a TFoot but no TBody", where)
        if count["THead"] and not count["TBody"]:
            self.fail("7.2-14", "Table has a THead but no TBody", where)
        if "Caption" in kids[1:-1]:
            self.fail("7.2-16", "Table has a Caption that is neither its first nor its last kid", where)
        if count["Caption"] > 1:
            self.fail("7.2-39", f"Table has {count['Caption']} Caption kids", where)

    def check_alternative(self, e: Elem) -> None:
        """A Figure or Formula has Alt or ActualText."""
        if not _text(e.obj.get("/Alt")) and e.obj.get("/ActualText") is None:
            rule = "7.3-1" if e.std_type == "Figure" else "7.7-1"
            self.fail(rule, f"{e.std_type} without Alt or ActualText", e.where)

    def check_note(self, e: Elem, note_ids: Counter) -> None:
        note_id = _text(e.obj.get("/ID"))
        if not note_id:
            self.fail("7.9-1", "Note without an ID", e.where)
        elif note_ids[note_id] > 1:
            self.fail("7.9-2", f"Note ID {note_id!r} is used {note_ids[note_id]} times", e.where)

    def check_heading(self, e: Elem, kids: list[str], headings: _Headings) -> None:
        """H1-H6 descend one level at a time; H and Hn are not mixed; at most one H kid."""
        t, where = e.std_type, e.where
        m = HN.match(t)
        if m:
            level = int(m.group(1))
            if level > headings.last_level + 1:
                first = "the first heading" if headings.last_level == 0 else f"after H{headings.last_level}"
                self.fail("7.4.2-1", f"{t} is {first} (skips a level)", where)
            headings.last_level = level
            if headings.has_h:
                self.fail("7.4.4-3", f"{t} in a document that also uses H", where)
        elif t == "H" and headings.has_hn:
            self.fail("7.4.4-2", "H in a document that also uses H1-H6", where)
        if kids.count("H") > 1:
            self.fail("7.4.4-1", f"{kids.count('H')} H kids", where)

    def check_alt_lang(self, e: Elem) -> None:
        """The natural language of Alt, ActualText and E: on the element, an ancestor or the catalog."""
        if self.catalog_lang or e.lang:
            return
        for key, rule in (("/ActualText", "7.2-21"), ("/Alt", "7.2-22"), ("/E", "7.2-23")):
            if e.obj.get(key) is not None:
                self.fail(rule, f"{key[1:]} with no Lang on the element, its ancestors or the catalog", e.where)

    # ---- content streams -----------------------------------------------------------------------

    def lookup_mcid(self, struct_parents: int | None, mcid: int) -> Elem | None:
        if struct_parents is None:
            return None
        arr = self.parent_tree.get(struct_parents)
        if not isinstance(arr, Array) or not 0 <= mcid < len(arr):
            return None
        obj = arr[mcid]
        if not isinstance(obj, Dictionary):
            return None
        return self.elem_by_key.get(_key(obj))

    def check_page_content(self, page: pikepdf.Page, index: int) -> None:
        where = f"page {index}"
        sp = page.obj.get("/StructParents")
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError as exc:
            self.fail("7.1-3", f"the content stream cannot be parsed: {exc}", where)
            return
        base = _Frame(None, None, False, False, None)
        resources = page.obj.get("/Resources", Dictionary())
        self.walk_content(instructions, resources, sp, _key(page.obj), base, where, (), index)

    def walk_content(self, instructions, resources, struct_parents, stream_key, base: _Frame, where, forms, page_no):
        walk = _ContentWalk(resources, struct_parents, stream_key, where, forms, page_no, stack=[base])
        for instr in instructions:
            if isinstance(instr, pikepdf.ContentStreamInlineImage):
                self.content_item(walk.frame, "an inline image", where)
                continue
            op = str(instr.operator)
            if op in TEXT_SHOW:
                self.show_text(walk, instr.operands)
            elif op in PATH_PAINT:
                self.content_item(walk.frame, "a path" if op != "sh" else "a shading", where)
            elif op in ("BDC", "BMC"):
                walk.stack.append(self.begin_marked_content(walk, op, instr.operands))
            elif op == "Do":
                self.draw_xobject(walk, instr.operands)
            else:
                self.change_graphics_state(walk, op, instr.operands)

    def show_text(self, walk: _ContentWalk, operands) -> None:
        """Text is a content item in a language; the codes it shows count for its font's checks."""
        frame = walk.frame
        self.content_item(frame, "text", walk.where, operands)
        if not self.catalog_lang and not frame.reported34 and not self.frame_lang(frame):
            frame.reported34 = True
            self.fail(
                "7.2-34",
                f"text {_snippet(operands)!r} has no Lang (none on the catalog, "
                "the marked content or its structure elements)",
                walk.where,
            )
        if walk.font is not None:
            if walk.tr != 3:
                walk.font.rendered = True
            self.collect_codes(walk.font, operands)

    def begin_marked_content(self, walk: _ContentWalk, op: str, operands) -> _Frame:
        """The frame a BDC or BMC opens: its tag, language and the structure element that owns it."""
        where, parent = walk.where, walk.frame
        tag = _name(operands[0]) if operands else None
        plist = operands[1] if op == "BDC" and len(operands) > 1 else None
        if isinstance(plist, Name) and isinstance(walk.properties, Dictionary):
            plist = walk.properties.get(plist)
        mcid = plist.get("/MCID") if isinstance(plist, Dictionary) else None
        lang = parent.lang
        if isinstance(plist, Dictionary) and "/Lang" in plist:
            self.check_lang_value(plist.get("/Lang"), where)
            lang = _text(plist.get("/Lang")) or lang
        artifact = parent.artifact or tag == "Artifact"
        if tag == "Artifact" and parent.tagged:
            self.fail(
                "7.1-1",
                "an Artifact sequence inside tagged content" + (f" ({parent.elem.where})" if parent.elem else ""),
                where,
            )
        if mcid is None:
            return _Frame(tag, parent.elem, parent.tagged, artifact, lang)
        return self.marked_content_frame(walk, parent, tag, int(mcid), artifact, lang)

    def marked_content_frame(self, walk: _ContentWalk, parent: _Frame, tag, mcid: int, artifact, lang) -> _Frame:
        """A frame with an MCID: tagged when the ParentTree and the element's /K agree on its owner."""
        elem = self.lookup_mcid(walk.struct_parents, mcid)
        owner = self.mcid_owner.get((walk.stream_key, mcid))
        tagged = elem is not None and owner is elem
        frame = _Frame(tag, elem if tagged else None, tagged, artifact, lang)
        if tagged:
            if parent.artifact:
                self.fail("7.1-2", f"/{tag} MCID {mcid} ({elem.where}) inside an Artifact", walk.where)
            return frame
        frame.reported3 = True
        if elem is not None:
            hint = f"the ParentTree gives {elem.where}, whose /K does not hold it"
        elif owner is not None:
            hint = f"{owner.where} holds it but the ParentTree has no entry for it"
        else:
            hint = "no structure element holds it"
        if not artifact:
            self.fail("7.1-3", f"/{tag} MCID {mcid}: {hint}", walk.where)
        return frame

    def change_graphics_state(self, walk: _ContentWalk, op: str, operands) -> None:
        """EMC, q/Q, Tf and Tr: the marked-content stack, the font and the text rendering mode."""
        if op == "EMC":
            if len(walk.stack) > 1:
                walk.stack.pop()
        elif op == "q":
            walk.saved.append((walk.font, walk.tr))
        elif op == "Q":
            if walk.saved:
                walk.font, walk.tr = walk.saved.pop()
        elif op == "Tf":
            walk.font = None
            if operands and isinstance(walk.fonts, Dictionary):
                fdict = walk.fonts.get(operands[0])
                if isinstance(fdict, Dictionary):
                    walk.font = self.font_use(fdict, str(operands[0]), walk.where)
        elif op == "Tr":
            try:
                walk.tr = int(operands[0])
            except (IndexError, TypeError, ValueError):
                pass

    def draw_xobject(self, walk: _ContentWalk, operands) -> None:
        """An image is a content item; a form is walked as content of its own."""
        if not operands or not isinstance(walk.xobjects, Dictionary):
            return
        xname = operands[0]
        xobj = walk.xobjects.get(xname)
        if not isinstance(xobj, Stream):
            return
        subtype = xobj.get("/Subtype")
        if subtype == Name.Image:
            self.content_item(walk.frame, f"the image {xname}", walk.where)
        elif subtype == Name.Form:
            self.walk_form(xobj, str(xname), walk.resources, walk.frame, walk.where, walk.forms, walk.page_no)

    def walk_form(self, xobj: Stream, xname: str, resources, frame: _Frame, where: str, forms: tuple, page_no: int):
        key = _key(xobj)
        if key in forms or len(forms) > 12:
            return
        fwhere = f"{where} > {xname}"
        if "/Ref" in xobj:
            self.fail("7.20-1", "a reference XObject", fwhere)
        if key not in self.forms_parsed:
            try:
                self.forms_parsed[key] = pikepdf.parse_content_stream(xobj)
            except pikepdf.PdfError as exc:
                self.fail("7.1-3", f"the form XObject cannot be parsed: {exc}", fwhere)
                self.forms_parsed[key] = []
        base = _Frame(None, frame.elem, frame.tagged, frame.artifact, frame.lang)
        # a form that is a whole content item (StructParent) or has its own MCIDs (StructParents)
        sp_single = xobj.get("/StructParent")
        if sp_single is not None:
            obj = self.parent_tree.get(int(sp_single))
            elem = self.elem_by_key.get(_key(obj)) if isinstance(obj, Dictionary) else None
            if elem is not None:
                if frame.artifact:
                    self.fail("7.1-2", f"form XObject tagged as {elem.where} inside an Artifact", fwhere)
                base = _Frame(None, elem, True, frame.artifact, frame.lang)
        sp = xobj.get("/StructParents")
        form_res = xobj.get("/Resources", resources)
        self.walk_content(
            self.forms_parsed[key],
            form_res,
            int(sp) if sp is not None else None,
            key,
            base,
            fwhere,
            (*forms, key),
            page_no,
        )

    def content_item(self, frame: _Frame, kind: str, where: str, operands=None) -> None:
        if frame.tagged or frame.artifact or frame.reported3:
            return
        frame.reported3 = True
        what = kind if operands is None else f"text {_snippet(operands)!r}"
        inside = f" in /{frame.tag} without an MCID" if frame.tag else " outside any marked content"
        self.fail("7.1-3", f"{what}{inside} is neither an Artifact nor tagged", where)

    def frame_lang(self, frame: _Frame) -> str | None:
        if frame.lang:
            return frame.lang
        return frame.elem.lang if frame.elem is not None else None

    # ---- annotations ---------------------------------------------------------------------------

    def check_annotations(self, page: pikepdf.Page, index: int) -> None:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array) or len(annots) == 0:
            return
        if page.obj.get("/Tabs") != Name.S:
            tabs = page.obj.get("/Tabs")
            self.fail(
                "7.18.3-1",
                f"a page with annotations has /Tabs {tabs if tabs is not None else '(none)'}, not /S",
                f"page {index}",
            )
        try:
            crop = [float(x) for x in page.cropbox]
        except (TypeError, ValueError, AttributeError):
            crop = None
        for i, annot in enumerate(annots):
            if isinstance(annot, Dictionary) and _shown(annot, crop):
                sub = _name(annot.get("/Subtype")) or "?"
                self.check_annotation(annot, sub, f"page {index} annotation {i} (/{sub})")

    def check_annotation(self, annot: Dictionary, sub: str, where: str) -> None:
        """One visible annotation: tagged in the element its subtype asks for, with Contents or
        Alt, and a language for its Contents."""
        sp = annot.get("/StructParent")
        obj = self.parent_tree.get(int(sp)) if sp is not None else None
        elem = self.elem_by_key.get(_key(obj)) if isinstance(obj, Dictionary) else None
        std = elem.std_type if elem is not None else None
        contents = _text(annot.get("/Contents"))
        if sub == "TrapNet":
            self.fail("7.18.2-1", "a TrapNet annotation", where)
        if sub == "PrinterMark" and sp is not None:
            self.fail("7.18.8-1", "a PrinterMark annotation has a StructParent", where)
        if sub not in ("Widget", "PrinterMark", "Link") and std != "Annot":
            self.fail("7.18.1-1", f"the annotation is {self.tagged_as(annot, elem)}, not in an Annot element", where)
        if sub != "Widget" and not contents and not (elem is not None and _text(elem.obj.get("/Alt"))):
            self.fail("7.18.1-2", "no Contents and no Alt on the enclosing structure element", where)
        if sub == "Widget" and std != "Form":
            self.fail("7.18.4-1", f"the widget is {self.tagged_as(annot, elem)}, not in a Form element", where)
        if sub == "Link":
            self.check_link(annot, elem, contents, where)
        if contents is not None and not self.catalog_lang and not (elem is not None and elem.lang):
            self.fail("7.2-24", "Contents with no Lang on the catalog or the enclosing structure element", where)

    def check_link(self, annot: Dictionary, elem: Elem | None, contents: str | None, where: str) -> None:
        """A Link annotation: in a Link element that holds an OBJR to it, with Contents."""
        if elem is None or elem.std_type != "Link":
            self.fail("7.18.5-1", f"the link is {self.tagged_as(annot, elem)}, not in a Link element", where)
        elif not any(_key(o) == _key(annot) for o in elem.objrs):
            self.fail("7.18.5-1", f"its StructParent is {elem.where} but that element has no OBJR to it", where)
        if not contents:
            self.fail("7.18.5-2", "a Link annotation without Contents", where)

    def tagged_as(self, annot: Dictionary, elem: Elem | None) -> str:
        if elem is not None:
            return f"in {elem.std_type} ({elem.where})"
        owner = self.objr_owner.get(_key(annot))
        if annot.get("/StructParent") is None:
            return "without a StructParent" + (f" (an OBJR in {owner.where} refers to it)" if owner else "")
        return "not found through its StructParent in the ParentTree"

    # ---- fonts ------------------------------------------------------------------------------------

    def font_use(self, fdict: Dictionary, name: str, where: str) -> _FontUse:
        key = _key(fdict)
        use = self.fonts.get(key)
        if use is None:
            use = _FontUse(fdict, name, where)
            if fdict.get("/Subtype") == Name.Type0:
                enc = fdict.get("/Encoding")
                if isinstance(enc, Name):
                    use.code_len = 2 if enc in (Name("/Identity-H"), Name("/Identity-V")) else None
                elif isinstance(enc, Stream):
                    use.codespace = _codespace(enc)
                    use.code_len = None if not use.codespace else 0
                else:
                    use.code_len = None
            self.fonts[key] = use
        return use

    def collect_codes(self, font: _FontUse, operands) -> None:
        strings: list[bytes] = []
        if not operands:
            return
        last = operands[-1]
        if isinstance(last, Array):
            strings = [bytes(x) for x in last if isinstance(x, pikepdf.String)]
        elif isinstance(last, pikepdf.String):
            strings = [bytes(last)]
        for s in strings:
            if font.code_len == 1:
                font.codes.update(s)
            elif font.code_len == 2:
                n = len(s) // 2
                font.codes.update(struct.unpack(f">{n}H", s[: 2 * n]))
            elif font.code_len == 0 and font.codespace:
                font.codes.update(_split_codes(s, font.codespace))

    def check_fonts(self) -> None:
        for use in self.fonts.values():
            f = use.font
            subtype = f.get("/Subtype")
            where = f"font {use.name} ({_text(f.get('/BaseFont'))}), first used on {use.where}"
            # 7.21.4.1-1
            if use.rendered and subtype != Name.Type3:
                target = f
                if subtype == Name.Type0:
                    desc = f.get("/DescendantFonts")
                    target = desc[0] if isinstance(desc, Array) and len(desc) else None
                fd = target.get("/FontDescriptor") if isinstance(target, Dictionary) else None
                if not isinstance(fd, Dictionary) or not any(
                    k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    self.fail("7.21.4.1-1", "the font program is not embedded", where)
            self.check_unicode(use, where)

    def check_unicode(self, use: _FontUse, where: str) -> None:
        """The codes a font showed: none is .notdef (7.21.8-1), each maps to Unicode (7.21.7)."""
        notdef = self.notdef_codes(use)
        if notdef:
            self.fail("7.21.8-1", f"codes {_codes(notdef)} show .notdef", where)
        if not use.codes and use.code_len is not None:
            return  # codes are collected for this font and none was shown
        cmap = self.to_unicode(use.font)
        if cmap is None:
            self.check_standard_unicode(use, where)
        elif use.code_len is not None:  # else a predefined CMap other than Identity: codes not split
            self.check_to_unicode(use, cmap, where)

    def to_unicode(self, f: Dictionary) -> _Tounicode | None:
        """The font's ToUnicode CMap, parsed once (None: none, or unreadable)."""
        tu = f.get("/ToUnicode")
        if not isinstance(tu, Stream):
            return None
        k = _key(tu)
        if k not in self.tounicode:
            try:
                self.tounicode[k] = _Tounicode(tu.read_bytes())
            except (pikepdf.PdfError, ValueError):
                self.tounicode[k] = None
        return self.tounicode[k]

    def notdef_codes(self, use: _FontUse) -> list[int]:
        """The codes shown that select .notdef: by CID 0 (or a glyph 0 in CIDToGIDMap) in a
        Type0 font with two-byte codes, by the Differences of a simple font's Encoding."""
        f = use.font
        subtype = f.get("/Subtype")
        if subtype != Name.Type0:
            enc = f.get("/Encoding")
            diffs = _differences(enc) if isinstance(enc, Dictionary) else {}
            return [c for c in use.codes if diffs.get(c) == ".notdef"]
        if use.code_len != 2 or not use.codes:
            return []
        desc = f.get("/DescendantFonts")
        cid = desc[0] if isinstance(desc, Array) and len(desc) else None
        if not isinstance(cid, Dictionary):
            return []
        c2g = cid.get("/CIDToGIDMap")
        if not isinstance(c2g, Stream):
            return [0] if 0 in use.codes else []
        data = c2g.read_bytes()
        return [c for c in use.codes if c == 0 or (2 * c + 1 < len(data) and data[2 * c] == 0 == data[2 * c + 1])]

    def check_standard_unicode(self, use: _FontUse, where: str) -> None:
        """Without a ToUnicode CMap, the codes need a standard mapping to Unicode (7.21.7-1)."""
        fallback = self.unicode_fallback(use.font)
        if fallback is None:
            self.fail("7.21.7-1", "no ToUnicode CMap and no standard mapping to Unicode", where)
            return
        if fallback is True:
            return
        unmapped = [c for c in use.codes if not fallback(c)]
        if unmapped:
            self.fail("7.21.7-1", f"no ToUnicode CMap; codes {_codes(unmapped)} have no Unicode mapping", where)

    def check_to_unicode(self, use: _FontUse, cmap: _Tounicode, where: str) -> None:
        """Every code shown is in the ToUnicode CMap (7.21.7-1), mapped to real text (7.21.7-2)."""
        unmapped, bad = [], []
        for c in use.codes:
            u = cmap.get(c)
            if u is None:
                unmapped.append(c)
            elif u == "" or any(ch in "\u0000\ufeff\ufffe" for ch in u):
                bad.append(c)
        if unmapped:
            self.fail("7.21.7-1", f"codes {_codes(unmapped)} are not in the ToUnicode CMap", where)
        if bad:
            self.fail("7.21.7-2", f"codes {_codes(bad)} map to U+0000, U+FEFF or U+FFFE (or nothing)", where)

    def unicode_fallback(self, f: Dictionary):
        """None (no mapping), True (all codes map) or a predicate on codes, for fonts without ToUnicode."""
        subtype = f.get("/Subtype")
        if subtype == Name.Type0:
            desc = f.get("/DescendantFonts")
            cid = desc[0] if isinstance(desc, Array) and len(desc) else None
            info = cid.get("/CIDSystemInfo") if isinstance(cid, Dictionary) else None
            enc = f.get("/Encoding")
            if (
                isinstance(info, Dictionary)
                and _text(info.get("/Registry")) == "Adobe"
                and _text(info.get("/Ordering")) in ADOBE_ORDERINGS
                and isinstance(enc, Name)
                and enc not in (Name("/Identity-H"), Name("/Identity-V"))
            ):
                return True
            return None
        base = _text(f.get("/BaseFont")) or ""
        if base.split("+")[-1] in ("Symbol", "ZapfDingbats"):
            return True
        fd = f.get("/FontDescriptor")
        flags = int(fd.get("/Flags", 0)) if isinstance(fd, Dictionary) else 0
        symbolic = bool(flags & 4) and not flags & 32
        enc = f.get("/Encoding")
        if isinstance(enc, Name):
            return None if symbolic or str(enc) not in STANDARD_ENCODINGS else True
        if isinstance(enc, Dictionary):
            from fontTools import agl

            diffs = _differences(enc)
            base_enc = enc.get("/BaseEncoding")
            base_ok = not symbolic or (isinstance(base_enc, Name) and str(base_enc) in STANDARD_ENCODINGS)

            def mapped(code: int) -> bool:
                if code in diffs:
                    return bool(agl.toUnicode(diffs[code]))
                return base_ok

            return mapped
        return None


def _kid_entries(k, parent: Elem | None, page, lang) -> list[tuple]:
    """The kids of a /K (one object or an array) as (kid, parent, page, Lang, label), the label
    of an element counting its kind among its siblings ("P[2]")."""
    counts: Counter = Counter()
    entries = []
    for item in list(k) if isinstance(k, Array) else [k]:
        label = None
        if isinstance(item, Dictionary) and "/S" in item:
            kind = _name(item.get("/S")) or "?"
            label = f"{kind}[{counts[kind]}]"
            counts[kind] += 1
        entries.append((item, parent, page, lang, label))
    return entries


def _shown(annot: Dictionary, crop) -> bool:
    """Whether an annotation is seen: not hidden (flag 2) and not outside the crop box."""
    try:
        flags = int(annot.get("/F", 0))
    except (TypeError, ValueError):
        flags = 0
    return not (flags & 2 or _outside(annot.get("/Rect"), crop))


def _outside(rect, crop) -> bool:
    if crop is None or not isinstance(rect, Array) or len(rect) != 4:
        return False
    try:
        x1, y1, x2, y2 = (float(v) for v in rect)
    except (TypeError, ValueError):
        return False
    x1, x2 = sorted((x1, x2))
    y1, y2 = sorted((y1, y2))
    cx1, cx2 = sorted((crop[0], crop[2]))
    cy1, cy2 = sorted((crop[1], crop[3]))
    return x2 < cx1 or x1 > cx2 or y2 < cy1 or y1 > cy2


def _differences(enc: Dictionary) -> dict[int, str]:
    out: dict[int, str] = {}
    code = 0
    for item in enc.get("/Differences", []):
        if isinstance(item, Name):
            out[code] = str(item)[1:]
            code += 1
        else:
            try:
                code = int(item)
            except (TypeError, ValueError):
                pass
    return out


def _codespace(cmap: Stream) -> list:
    try:
        data = cmap.read_bytes()
    except pikepdf.PdfError:
        return []
    ranges = []
    for block in re.findall(rb"begincodespacerange(.*?)endcodespacerange", data, re.S):
        for lo, hi in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            ranges.append((len(lo) // 2, int(lo, 16), int(hi, 16)))
    return sorted(ranges)


def _split_codes(s: bytes, codespace: list) -> Iterator[int]:
    i = 0
    while i < len(s):
        for nbytes, lo, hi in codespace:
            if i + nbytes <= len(s) and lo <= int.from_bytes(s[i : i + nbytes], "big") <= hi:
                yield int.from_bytes(s[i : i + nbytes], "big")
                i += nbytes
                break
        else:
            i += 1


def _codes(codes: Iterable[int]) -> str:
    codes = sorted(codes)
    shown = ", ".join(f"0x{c:02X}" if c < 256 else f"0x{c:04X}" for c in codes[:8])
    return shown + (f" (+{len(codes) - 8} more)" if len(codes) > 8 else "")


def _snippet(operands) -> str:
    if not operands:
        return ""
    last = operands[-1]
    parts = (
        [last]
        if isinstance(last, pikepdf.String)
        else [x for x in last if isinstance(x, pikepdf.String)]
        if isinstance(last, Array)
        else []
    )
    raw = b"".join(bytes(p) for p in parts)
    text = raw.decode("latin-1")
    if any(ord(c) < 32 for c in text):
        return raw[:16].hex()
    return text[:30]


# --------------------------------------------------------------------------------------------
# Public API


def check(source) -> list[Failure]:
    """Check a PDF (a path, bytes or an open pikepdf.Pdf) against the implemented PDF/UA-1 rules."""
    header = None
    if isinstance(source, pikepdf.Pdf):
        return _Checker(source, None).run()
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        header = data[:32]
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return _Checker(pdf, header).run()
    path = Path(source)
    with open(path, "rb") as fh:
        header = fh.read(32)
    with pikepdf.open(path) as pdf:
        return _Checker(pdf, header).run()


def rule_sort_key(rule: str) -> tuple:
    parts = re.split(r"[.-]", rule)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def format_failures(failures: list[Failure], limit: int = 5) -> str:
    """Failures grouped by rule: a count, the rule's description and the first few instances."""
    if not failures:
        return "no PDF/UA-1 failures"
    by_rule: dict[str, list[Failure]] = defaultdict(list)
    for f in failures:
        by_rule[f.rule].append(f)
    lines = [f"{len(failures)} PDF/UA-1 failure(s) in {len(by_rule)} rule(s):"]
    for rule in sorted(by_rule, key=rule_sort_key):
        items = by_rule[rule]
        lines.append(f"  {rule} x{len(items)}: {RULES.get(rule, '')}")
        for f in items[:limit]:
            lines.append(f"      {f.where}: {f.message}")
        if len(items) > limit:
            lines.append(f"      ... {len(items) - limit} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check PDFs against part of veraPDF's PDF/UA-1 profile.")
    parser.add_argument("pdf", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=3, help="instances shown per rule (default 3)")
    parser.add_argument("--rules", action="store_true", help="list the implemented rules and exit")
    args = parser.parse_args(argv)
    if args.rules:
        for rule in sorted(RULES, key=rule_sort_key):
            print(f"{rule:12} {RULES[rule]}")
        print(RULES_NOTES)
        return 0
    if not args.pdf:
        parser.error("give at least one PDF")
    status = 0
    for path in args.pdf:
        failures = check(path)
        print(f"== {path}")
        print(format_failures(failures, args.limit))
        status = status or (1 if failures else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
