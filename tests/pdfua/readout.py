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


def marked_content(page: pikepdf.Page) -> dict[int, tuple[str, str | None]]:
    """MCID -> the text of its marked-content sequence on ``page`` (ActualText if it has one) and
    the language its property list gives (or None)."""
    fonts: dict[str, _Font] = {}
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    font_dict = resources.get("/Font", pikepdf.Dictionary())
    texts: dict[int, str] = {}
    languages: dict[int, str] = {}
    # stack of [mcid or None, ActualText or None]
    stack: list[list] = []
    font: _Font | None = None

    def emit(text: str) -> None:
        for entry in reversed(stack):
            if entry[1] is not None:
                return  # replaced by an ActualText further out
        for entry in reversed(stack):
            if entry[0] is not None:
                texts[entry[0]] = texts.get(entry[0], "") + text
                return

    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            mcid = actual = None
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                properties = operands[1]
                if "/MCID" in properties:
                    mcid = int(properties.MCID)
                if "/ActualText" in properties:
                    actual = _decode_string(properties.ActualText)
                if "/Lang" in properties and mcid is not None:
                    languages[mcid] = str(properties.Lang)
            stack.append([mcid, actual])
            if mcid is not None:
                texts.setdefault(mcid, "")
            if actual is not None:
                # the ActualText belongs to the nearest MCID (this one or an enclosing one)
                for entry in reversed(stack):
                    if entry[0] is not None:
                        texts[entry[0]] = texts.get(entry[0], "") + actual
                        break
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op == "Tf":
            name = str(operands[0])
            if name not in fonts and name in font_dict:
                fonts[name] = _Font(font_dict[name])
            font = fonts.get(name)
        elif op in ("Tj", "'", '"') and font is not None:
            emit(font.decode(bytes(operands[-1])))
        elif op == "TJ" and font is not None:
            emit("".join(font.decode(bytes(item)) for item in operands[0] if isinstance(item, pikepdf.String)))
    return {mcid: (text, languages.get(mcid)) for mcid, text in texts.items()}


# ----------------------------------------------------------------------------- structure


def passages(path: Path) -> list[Passage]:
    """The read-out of a tagged PDF, passage by passage, in structure order."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: page for page in pdf.pages}
        cache: dict[tuple[int, int], dict[int, tuple[str, str | None]]] = {}

        def content(page_ref: pikepdf.Object | None, mcid: int) -> tuple[str, str | None]:
            if page_ref is None:
                return "", None
            key = page_ref.objgen
            if key not in cache:
                cache[key] = marked_content(pages[key]) if key in pages else {}
            return cache[key].get(mcid, ("", None))

        def add(passage: Passage, page_ref: pikepdf.Object | None, mcid: int, lang: str) -> None:
            text, own = content(page_ref, mcid)
            passage.add(text, own or lang)

        out: list[Passage] = []
        root = pdf.Root.StructTreeRoot
        lang = str(pdf.Root.get("/Lang", ""))

        def kids(element: pikepdf.Object) -> list:
            k = element.get("/K")
            if k is None:
                return []
            return list(k) if isinstance(k, pikepdf.Array) else [k]

        def read_inline(element: pikepdf.Object, passage: Passage, lang: str) -> None:
            lang = str(element.get("/Lang", lang))
            if "/ActualText" in element:
                passage.add(str(element.ActualText), lang)
                return
            page = element.get("/Pg")
            for kid in kids(element):
                if isinstance(kid, int):
                    add(passage, page, kid, lang)
                elif isinstance(kid, pikepdf.Dictionary):
                    if kid.get("/Type") == "/MCR":
                        add(passage, kid.get("/Pg", page), int(kid.MCID), lang)
                    elif kid.get("/Type") == "/OBJR":
                        continue
                    elif "/S" in kid:
                        if str(kid.S) in INLINE:
                            read_inline(kid, passage, lang)
                        else:
                            walk(kid, lang)

        def walk(element: pikepdf.Object, lang: str) -> None:
            lang = str(element.get("/Lang", lang))
            passage = Passage(str(element.get("/S", "/?"))[1:])
            out.append(passage)
            read_inline(element, passage, lang)
            if not passage.runs:
                out.remove(passage)

        for kid in kids(root):
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid, lang)
        # a passage read after its nested passages (a P around a list) stays where it ended
        return out


if __name__ == "__main__":
    for passage in passages(Path(sys.argv[1])):
        langs = sorted({lang for _, lang in passage.runs})
        print(f"{passage.tag:6} [{','.join(langs)}] {passage.text}")
