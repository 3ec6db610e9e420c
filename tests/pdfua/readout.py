"""What a screen reader reads from a tagged PDF: the structure tree walked in order, each marked
content sequence resolved to text through its ``/ActualText`` (in the content stream or on the
structure element) or else its glyphs' ToUnicode mapping, with the language in effect.

``passages(path)`` gives one :class:`Passage` per element that holds text (a paragraph, a heading,
a list item's body, a table cell, ...), its inline children (Span, Link, ...) joined in order, as
an assistive technology joins them: nothing is added between two marked-content sequences, so a
line break without a space reads as a joined word.

Right-to-left text (Arabic, Hebrew) is drawn, and so read here, in visual order: a PDF reader
reorders it with the bidi algorithm; the checks that use this module read left-to-right text.

Run as a script to print a PDF's read-out: ``python tests/pdfua/readout.py build/handbook-en.pdf``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

# Elements read inline, inside the passage that contains them.
# Ruby (furigana): the base (RB), then its reading (RT), in the flow of the sentence.
INLINE = {
    "/Span",
    "/Link",
    "/NonStruct",
    "/Quote",
    "/Note",
    "/Reference",
    "/Code",
    "/Em",
    "/Strong",
    "/Annot",
    "/Ruby",
    "/RB",
    "/RT",
}


@dataclass
class Passage:
    tag: str  # the structure type, without the slash: "P", "H1", "LBody", ...
    text: str = ""
    runs: list[tuple[str, str]] = field(default_factory=list)  # (text, language) of each piece

    def add(self, text: str, lang: str) -> None:
        self.text += text
        self.runs.append((text, lang))


# ----------------------------------------------------------------------------- ToUnicode


def _hex(token: str) -> bytes:
    return bytes.fromhex(token.strip("<>"))


def _unicode_map(cmap: bytes) -> tuple[dict[bytes, str], set[int]]:
    """A ToUnicode CMap's codes -> text, and the code lengths it uses."""
    text = cmap.decode("latin-1")
    mapping: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"(<[0-9A-Fa-f]+>)\s*(<[0-9A-Fa-f]*>)", block):
            mapping[_hex(code)] = _hex(value).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, value in re.findall(
            r"(<[0-9A-Fa-f]+>)\s*(<[0-9A-Fa-f]+>)\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)", block
        ):
            low, high, width = int(start[1:-1], 16), int(end[1:-1], 16), (len(start) - 2) // 2
            if value.startswith("["):
                values = [_hex(v).decode("utf-16-be", "replace") for v in re.findall(r"<[0-9A-Fa-f]*>", value)]
                for i, v in enumerate(values):
                    mapping[(low + i).to_bytes(width, "big")] = v
            else:
                base = _hex(value)
                for i in range(high - low + 1):
                    last = int.from_bytes(base[-2:], "big") + i
                    mapping[(low + i).to_bytes(width, "big")] = (base[:-2] + last.to_bytes(2, "big")).decode(
                        "utf-16-be", "replace"
                    )
    return mapping, {len(code) for code in mapping} or {1}


class _Font:
    def __init__(self, font: pikepdf.Object):
        self.map: dict[bytes, str] = {}
        self.widths = {2 if font.get("/Subtype") == "/Type0" else 1}
        if "/ToUnicode" in font:
            self.map, _ = _unicode_map(font.ToUnicode.read_bytes())

    def decode(self, data: bytes) -> str:
        width = max(self.widths)
        return "".join(self.map.get(data[i : i + width], "\ufffd") for i in range(0, len(data), width))


# ----------------------------------------------------------------------------- content


def _decode_string(value: pikepdf.Object) -> str:
    return str(value)


class _MarkedContent:
    """The walk of one page's content stream: the open marked-content sequences (innermost
    last, each [MCID or None, ActualText or None]), the current font, the text of each MCID."""

    def __init__(self, page: pikepdf.Page):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        self.font_dict = resources.get("/Font", pikepdf.Dictionary())
        self.fonts: dict[str, _Font] = {}
        self.font: _Font | None = None
        self.texts: dict[int, str] = {}
        self.languages: dict[int, str] = {}
        self.stack: list[list] = []

    def begin(self, op: str, operands) -> None:
        """BDC or BMC: a sequence opens, with its MCID, ActualText and Lang."""
        mcid = actual = None
        if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
            properties = operands[1]
            if "/MCID" in properties:
                mcid = int(properties.MCID)
            if "/ActualText" in properties:
                actual = _decode_string(properties.ActualText)
            if "/Lang" in properties and mcid is not None:
                self.languages[mcid] = str(properties.Lang)
        self.stack.append([mcid, actual])
        if mcid is not None:
            self.texts.setdefault(mcid, "")
        if actual is not None:
            self.to_nearest_mcid(actual)  # the ActualText belongs to this MCID or an enclosing one

    def to_nearest_mcid(self, text: str) -> None:
        for entry in reversed(self.stack):
            if entry[0] is not None:
                self.texts[entry[0]] = self.texts.get(entry[0], "") + text
                return

    def emit(self, text: str) -> None:
        """Shown text, unless an ActualText further out replaces it."""
        if all(entry[1] is None for entry in self.stack):
            self.to_nearest_mcid(text)

    def use_font(self, name: str) -> None:
        if name not in self.fonts and name in self.font_dict:
            self.fonts[name] = _Font(self.font_dict[name])
        self.font = self.fonts.get(name)

    def read(self, operands, op: str) -> None:
        if op in ("BDC", "BMC"):
            self.begin(op, operands)
        elif op == "EMC":
            if self.stack:
                self.stack.pop()
        elif op == "Tf":
            self.use_font(str(operands[0]))
        elif op in ("Tj", "'", '"') and self.font is not None:
            self.emit(self.font.decode(bytes(operands[-1])))
        elif op == "TJ" and self.font is not None:
            font = self.font
            self.emit("".join(font.decode(bytes(item)) for item in operands[0] if isinstance(item, pikepdf.String)))


def marked_content(page: pikepdf.Page) -> dict[int, tuple[str, str | None]]:
    """MCID -> the text of its marked-content sequence on ``page`` (ActualText if it has one) and
    the language its property list gives (or None)."""
    walk = _MarkedContent(page)
    for operands, operator in pikepdf.parse_content_stream(page):
        walk.read(operands, str(operator))
    return {mcid: (text, walk.languages.get(mcid)) for mcid, text in walk.texts.items()}


# ----------------------------------------------------------------------------- structure


def _kids(element: pikepdf.Object) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


class _Readout:
    """The structure tree of one PDF read out passage by passage (a block element opens one;
    an inline element's text joins the passage around it)."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pages = {page.obj.objgen: page for page in pdf.pages}
        self.cache: dict[tuple[int, int], dict[int, tuple[str, str | None]]] = {}
        self.out: list[Passage] = []

    def content(self, page_ref: pikepdf.Object | None, mcid: int) -> tuple[str, str | None]:
        if page_ref is None:
            return "", None
        key = page_ref.objgen
        if key not in self.cache:
            self.cache[key] = marked_content(self.pages[key]) if key in self.pages else {}
        return self.cache[key].get(mcid, ("", None))

    def add(self, passage: Passage, page_ref: pikepdf.Object | None, mcid: int, lang: str) -> None:
        text, own = self.content(page_ref, mcid)
        passage.add(text, own or lang)

    def read_inline(self, element: pikepdf.Object, passage: Passage, lang: str) -> None:
        lang = str(element.get("/Lang", lang))
        if "/ActualText" in element:
            passage.add(str(element.ActualText), lang)
            return
        page = element.get("/Pg")
        for kid in _kids(element):
            self.read_kid(kid, page, passage, lang)

    def read_kid(self, kid, page, passage: Passage, lang: str) -> None:
        """An MCID, a marked-content reference or an element (an annotation's OBJR has no text)."""
        if isinstance(kid, int):
            self.add(passage, page, kid, lang)
        elif not isinstance(kid, pikepdf.Dictionary):
            return
        elif kid.get("/Type") == "/MCR":
            self.add(passage, kid.get("/Pg", page), int(kid.MCID), lang)
        elif kid.get("/Type") != "/OBJR" and "/S" in kid:
            if str(kid.S) in INLINE:
                self.read_inline(kid, passage, lang)
            else:
                self.walk(kid, lang)

    def walk(self, element: pikepdf.Object, lang: str) -> None:
        lang = str(element.get("/Lang", lang))
        passage = Passage(str(element.get("/S", "/?"))[1:])
        self.out.append(passage)
        self.read_inline(element, passage, lang)
        if not passage.runs:
            self.out.remove(passage)


def passages(path: Path) -> list[Passage]:
    """The read-out of a tagged PDF, passage by passage, in structure order."""
    with pikepdf.open(path) as pdf:
        readout = _Readout(pdf)
        lang = str(pdf.Root.get("/Lang", ""))
        for kid in _kids(pdf.Root.StructTreeRoot):
            if isinstance(kid, pikepdf.Dictionary):
                readout.walk(kid, lang)
        # a passage read after its nested passages (a P around a list) stays where it ended
        return readout.out


if __name__ == "__main__":
    for passage in passages(Path(sys.argv[1])):
        langs = sorted({lang for _, lang in passage.runs})
        print(f"{passage.tag:6} [{','.join(langs)}] {passage.text}")
