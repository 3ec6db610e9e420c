"""What refpub adds to WeasyPrint's PDF writing: the one place where its internals are patched.

WeasyPrint tags a PDF (``pdf_tags``) but leaves out some of what PDF/UA-1 and a screen reader
need; pydyf, its PDF writer, has one quadratic lookup. Each patch here is small, wraps the
original function (it never copies WeasyPrint's code), and is installed once per process by
:func:`install`, which checks first that the functions it wraps have the shape they had in the
versions below; otherwise the patch is skipped and :func:`install` says which (the PDF is then
still valid, only less accessible, and the PDF/UA tests fail).

* **Language of passages** (PDF/UA-1 7.2, Matterhorn 11-006): WeasyPrint writes the document's
  ``/Lang`` only. Every structure element whose HTML element is in another language than its
  parent element gets its own ``/Lang``, so a screen reader reads the Japanese column of a
  handout with a Japanese voice.
* **Link descriptions** (7.18.5-2): WeasyPrint describes a link annotation by its target (an
  anchor id such as ``org-jar``). The description becomes the link's ``aria-label`` or else its
  text, in the output's language ("Key readings, page 3").
* **Ruby** (furigana, views/furigana.py): WeasyPrint tags ``<ruby>``, ``<rb>`` and ``<rt>`` as
  NonStruct; they become the standard ``Ruby``, ``RB`` and ``RT`` structure elements, the base
  (RB) first, as HTML has it (the PDF draws the reading first: see the stylesheets).
* **pydyf's page references** cost O(pages) per lookup: cached (see :func:`_cache_page_references`).
* **One annotation per link** (7.18.5): WeasyPrint gives every inline box inside a link its
  own annotation, drawn over the link's (a Link annotation under a NonStruct, Tab stopping twice).
  An inline box inside an inline link is covered by the link's own annotation and gets none.
* **The text of each line** (PDF/UA-1 7.2, what a screen reader and a search box read): WeasyPrint
  draws a line without the space it broke at, with the hyphen it added, and complex scripts
  (Burmese, Devanagari, Khmer, ...) as glyphs in visual order. Each text run's marked content
  carries ``/ActualText`` with its source text whenever what is drawn would read otherwise: the
  space at the line end, the word without the added hyphen, the characters in their order (NFC).
* **Structure**: a link that wraps is one Link element (with one OBJR per annotation piece), a
  description list's term and description are one list item (Lbl, LBody: "Phone" then the
  number), and an empty Span is left out (see :func:`_tidy_structure`).
* **Language by script**: a text run in Japanese script under an element in another language
  (an address in an English entry) says ``/Lang (ja)`` in its marked content.
* **Fonts before they are embedded**: :func:`fonts_seen_by` lets the book share one font subset
  between its parts (pdf/book.py, ``_SharedGlyphs``).
"""

from __future__ import annotations

import inspect
import logging
import re
from contextlib import contextmanager
from typing import Any

from ..i18n.names import script_language

TESTED_WEASYPRINT = ("69", "70")
# Break hints in the text (word joiners between phrases, soft hyphens, zero-width spaces): not read.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060]")

_LOGGER = logging.getLogger("refpub")
_installed = False
# HTML element (id) -> its language, for the document being written (one at a time per process).
_languages: dict[int, str] = {}
# structure element (id of the pydyf dictionary) -> the HTML element it was made for
_elements: dict[int, object] = {}
# the HTML links whose structure is being built, innermost last
_links: list = []


def install() -> list[str]:
    """Install the patches (once); returns the names of those that could not be installed."""
    global _installed
    if _installed:
        return []
    _installed = True
    skipped = []
    for name, patch in (
        ("page references", _cache_page_references),
        ("tags", _patch_tags),
        ("fonts", _patch_fonts),
        ("links", _patch_nested_links),
        ("line text", _patch_line_text),
        ("actual text", _patch_actual_text),
    ):
        if not patch():
            skipped.append(name)
    if skipped:
        import weasyprint

        _LOGGER.warning(
            "WeasyPrint %s is not one refpub was tested with (%s): not patched: %s",
            weasyprint.__version__,
            ", ".join(TESTED_WEASYPRINT),
            ", ".join(skipped),
        )
    return skipped


# ----------------------------------------------------------------------------- pydyf


def _cache_page_references() -> bool:
    """Make pydyf's ``PDF.page_references`` cost O(1) per lookup instead of O(pages).

    WeasyPrint's PDF tagging looks the property up once per tagged box, and pydyf rebuilds the
    tuple of every page's reference on each access: quadratic in pages, minutes for a handbook
    of thousands of pages. Pages are only ever appended, so the tuple is cached per PDF and page
    count. The bytes written are the same.
    """
    import pydyf

    prop = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(prop, property) or prop.fget is None:
        return False
    if getattr(prop.fget, "refpub_cached", False):  # installed already
        return True
    original = prop.fget

    def page_references(self):
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_refpub_page_references")
        if cached is None or cached[0] != count:
            cached = self.__dict__["_refpub_page_references"] = (count, original(self))
        return cached[1]

    setattr(page_references, "refpub_cached", True)  # noqa: B010 (a function attribute)
    pydyf.PDF.page_references = property(page_references)
    return True


# ----------------------------------------------------------------------------- fonts

_font_listeners: list = []


@contextmanager
def fonts_seen_by(listener):
    """While in the block, ``listener(fonts)`` is called with WeasyPrint's fonts of each PDF
    written, before they are subset and embedded (it may add glyphs to them)."""
    install()
    _font_listeners.append(listener)
    try:
        yield
    finally:
        _font_listeners.remove(listener)


def _patch_fonts() -> bool:
    import weasyprint.pdf as wpdf

    original = getattr(wpdf, "build_fonts_dictionary", None)
    if original is None or not _has_parameters(original, ("pdf", "fonts")):
        return False

    def build_fonts_dictionary(pdf, fonts, *args, **kwargs):
        if _font_listeners:
            _font_listeners[-1](fonts)
        return original(pdf, fonts, *args, **kwargs)

    wpdf.build_fonts_dictionary = build_fonts_dictionary
    return True


# ----------------------------------------------------------------------------- tags


def _has_parameters(function, names: tuple[str, ...]) -> bool:
    try:
        return tuple(inspect.signature(function).parameters)[: len(names)] == names
    except (TypeError, ValueError):
        return False


def _patch_tags() -> bool:
    import weasyprint.pdf as wpdf
    import weasyprint.pdf.tags as wtags

    build = getattr(wtags, "_build_box_tree", None)
    add = getattr(wpdf, "add_tags", None)
    pdf_tag = getattr(wtags, "_get_pdf_tag", None)
    if not (
        build
        and add
        and pdf_tag
        and _has_parameters(pdf_tag, ("tag",))
        and _has_parameters(build, ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags"))
        and _has_parameters(add, ("pdf", "document", "pdf_version", "page_streams"))
    ):
        return False

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        annotation = getattr(box, "link_annotation", None)
        element = getattr(box, "element", None)
        if annotation is not None and getattr(box, "element_tag", None) in RUBY_TAGS:
            # A ruby group inside a link has a link annotation of its own: it belongs to the
            # Link structure element around the group, not to the Ruby, RB or RT element.
            box.link_annotation = None
            try:
                yield from build_box_tree(box, parent, pdf, page_number, nums, annotations, tags)
            finally:
                box.link_annotation = annotation
            link_element = _links[-1] if _links else None
            _tag_in_enclosing_link(pdf, parent, annotation, page_number, annotations, link_element)
            return
        if annotation is not None and element is not None:
            description = link_description(element)
            if description:
                import pydyf

                annotation["Contents"] = pydyf.String(description)
        is_link = element is not None and getattr(box, "element_tag", None) == "a"
        if is_link:
            _links.append(element)
        try:
            for struct in build(box, parent, pdf, page_number, nums, annotations, tags):
                if element is not None:
                    _elements.setdefault(id(struct), element)
                if struct.get("S") == "/Ruby":
                    _base_first(pdf, struct)
                yield struct
        finally:
            if is_link:
                _links.pop()

    def get_pdf_tag(tag):
        return RUBY_TAGS.get(tag) or pdf_tag(tag)

    def add_tags(pdf, document, pdf_version, page_streams):
        _languages.clear()
        _elements.clear()
        root = _html_root(document)
        if root is not None:
            _collect_languages(root, "")
        try:
            add(pdf, document, pdf_version, page_streams)
            _mark_languages(pdf)
            _tidy_structure(pdf)
        finally:
            _languages.clear()
            _elements.clear()

    wtags._build_box_tree = build_box_tree
    wtags._get_pdf_tag = get_pdf_tag
    wpdf.add_tags = add_tags
    return True


# HTML's ruby elements and the PDF structure types for them (ISO 32000-1, 14.8.4.3.4).
RUBY_TAGS = {"ruby": "Ruby", "rb": "RB", "rt": "RT", "rp": "RP"}


def _tag_in_enclosing_link(pdf, parent, annotation, page_number, annotations, link_element) -> None:
    """Tag ``annotation`` (an OBJR) in the nearest Link structure element from ``parent`` up."""
    import pydyf

    link = parent
    while isinstance(link, dict) and link.get("S") != "/Link":
        link = _object(pdf, link.get("P"))
    if not isinstance(link, dict):
        return
    if link_element is not None:
        description = link_description(link_element)
        if description:
            annotation["Contents"] = pydyf.String(description)
    reference = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference, "Pg": pdf.page_references[page_number]})
    pdf.add_object(reference)
    annotations.append((link.reference, annotation))  # type: ignore[attr-defined]  # a pydyf.Dictionary
    link["K"].append(reference.reference)


def _base_first(pdf, ruby) -> None:
    """The kids of a Ruby structure element with its base (RB) before its reading (RT)."""
    kids = list(ruby.get("K", ()))

    def rank(kid) -> int:
        struct = _object(pdf, kid)
        return 0 if isinstance(struct, dict) and struct.get("S") == "/RB" else 1

    ordered = sorted(kids, key=rank)
    if ordered != kids:
        ruby["K"][:] = ordered


def link_description(element) -> str:
    """What a link says to a screen reader: its ``aria-label``, else its text."""
    label = element.get("aria-label") or "".join(_text_without_readings(element))
    return re.sub(r"\s+", " ", _INVISIBLE.sub("", label)).strip()


def _text_without_readings(element):
    """An element's text, without the readings of its ruby (``<rt>``, ``<rp>``), nor its tail."""
    if element.tag in ("rt", "rp"):
        return
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str):
            yield from _text_without_readings(child)
        yield child.tail or ""


def _html_root(document):
    for page in document.pages:
        for box in page._page_box.descendants():
            if getattr(box, "element_tag", None) == "html":
                return box.element
    return None


def _collect_languages(element, inherited: str) -> None:
    lang = element.get("lang") or inherited
    _languages[id(element)] = lang
    for child in element:
        if isinstance(child.tag, str):
            _collect_languages(child, lang)


def _object(pdf, reference):
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return None


def _mark_languages(pdf) -> None:
    """``/Lang`` on each structure element whose language differs from its parent's."""
    import pydyf

    root = _object(pdf, pdf.catalog.get("StructTreeRoot"))
    catalog_lang = pdf.catalog.get("Lang")
    document_lang = getattr(catalog_lang, "string", "") or ""
    if root is None:
        return
    stack = [(_object(pdf, kid), document_lang) for kid in root.get("K", ())]
    while stack:
        struct, inherited = stack.pop()
        if not isinstance(struct, dict) or struct.get("Type") != "/StructElem":
            continue
        element = _elements.get(id(struct))
        lang = _languages.get(id(element), inherited) if element is not None else inherited
        if lang and lang != inherited:
            struct["Lang"] = pydyf.String(lang)
        else:
            lang = inherited
        for kid in struct.get("K", ()):
            child = _object(pdf, kid)
            if child is not None:
                stack.append((child, lang))


# ----------------------------------------------------------------------------- links


def _patch_nested_links() -> bool:
    """An inline box inside an inline link gets no annotation of its own: the link's covers it."""
    import weasyprint.anchors as wanchors
    import weasyprint.document as wdocument
    from weasyprint.formatting_structure import boxes

    original = getattr(wanchors, "gather_anchors", None)
    if original is None or not _has_parameters(original, ("box", "anchors", "links", "bookmarks", "forms")):
        return False
    if getattr(original, "refpub_patched", False):
        return True

    def gather_anchors(box, anchors, links, bookmarks, forms, parent_matrix=None, parent_form=None, parent_link=None):
        if getattr(box, "refpub_in_link", False) and not box.link:
            parent_link = None  # drawn inside its link's annotation; its children too
        elif isinstance(box, boxes.InlineBox) and (box.link or parent_link):
            for child in box.children:
                if isinstance(child, boxes.InlineBox):
                    child.refpub_in_link = True
        return original(box, anchors, links, bookmarks, forms, parent_matrix, parent_form, parent_link)

    setattr(gather_anchors, "refpub_patched", True)  # noqa: B010 (a function attribute)
    wanchors.gather_anchors = gather_anchors
    wdocument.gather_anchors = gather_anchors
    return True


# ----------------------------------------------------------------------------- line text

# Scripts whose glyphs a PDF font cannot map back to the text in order (reordered vowel signs,
# conjuncts, stacked marks): Indic (Devanagari to Malayalam, Sinhala), Thai, Lao, Tibetan,
# Myanmar, Khmer and their extensions. Not right-to-left scripts: their glyphs are drawn in visual
# order and every reader (poppler, Acrobat) reorders them by the bidi algorithm, which it would
# also apply to an ActualText, reversing it.
_COMPLEX = re.compile("[\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]")


def _patch_line_text() -> bool:
    """Each text box a line break makes keeps ``refpub_source``: the source text it stands for,
    with the space the break consumed (and without the hyphen the break added)."""
    import weasyprint.layout.inline as winline

    original = getattr(winline, "split_text_box", None)
    if original is None or not _has_parameters(original, ("context", "box", "available_width", "skip")):
        return False
    if getattr(original, "refpub_patched", False):
        return True

    def split_text_box(context, box, available_width, skip, *args, **kwargs):
        new_box, resume, preserved = original(context, box, available_width, skip, *args, **kwargs)
        if new_box is None:
            return new_box, resume, preserved
        start = skip or 0
        data = box.text.encode()
        consumed = (data[start:] if resume is None else data[start:resume]).decode("utf-8", "replace")
        # the end of a word this box's line began with (see below): read with the line before
        moved_at = getattr(box, "refpub_moved", {})
        moved = moved_at.get(start, 0)
        carried = max(0, moved - len(consumed))  # a word moved on past this line too
        consumed = consumed[moved:]
        hyphen = new_box.style["hyphenate_character"]
        moving = carried
        rest = data[resume:].decode("utf-8", "replace") if resume is not None else ""
        added_hyphen = bool(hyphen) and new_box.text.endswith(hyphen) and not consumed.endswith(hyphen)
        # a word written with a hyphen ("over-stayers") broken after it: text extraction would
        # take the line-end hyphen for an added one and drop it, so the word is read whole too
        own_hyphen = consumed.endswith(("-", "\u2010")) and rest[:1].isalnum()
        if resume is not None and not carried and (added_hyphen or own_hyphen):
            # Broken inside a word: this line reads the whole word ("applicants"), the next one
            # starts after it, so each line's text has whole words and none is read twice.
            tail = re.match(r"[^\s\u00ad]*", rest)
            moving = tail.end() if tail else 0
            consumed += rest[:moving] if moving else "\u00ad"  # else: an added hyphen (ISO 32000-1, 14.8.2.2.3)
        if resume is not None:
            # what the next line leaves out (set each time: layout may try a line more than once)
            box.refpub_moved = {**moved_at, resume: moving}
        new_box.refpub_source = consumed
        return new_box, resume, preserved

    setattr(split_text_box, "refpub_patched", True)  # noqa: B010 (a function attribute)
    winline.split_text_box = split_text_box
    return True


def actual_text(box) -> str | None:
    """The ActualText of a text box's marked content, or None when its glyphs read as its text."""
    import unicodedata

    drawn = box.text
    source = getattr(box, "refpub_source", None)
    if source is None:
        source = drawn
    # break hints are not read, except a soft hyphen the line ends with: the hyphen a line break
    # added, where the word could not be read whole (ISO 32000-1, 14.8.2.2.3)
    source = _INVISIBLE.sub("", source) + ("\u00ad" if source.endswith("\u00ad") else "")
    if source == "" and drawn.strip():
        return ""  # the end of a word read whole with the line before
    if source.strip() == "":
        # a space between two inline elements is drawn as nothing, yet separates two words
        return " " if source else None
    if "\n" in source:
        source = source.replace("\n", " ")
    source = re.sub("[ \t]+$", " ", source)
    if source == drawn and not _COMPLEX.search(drawn):
        return None
    return unicodedata.normalize("NFC", source)


def _patch_actual_text() -> bool:
    """``/ActualText`` in the property list of each text box's marked content (see actual_text)."""
    import pydyf
    import weasyprint.pdf.stream as wstream
    from weasyprint.formatting_structure import boxes

    stream_class = getattr(wstream, "Stream", None)
    original = getattr(stream_class, "marked", None)
    if stream_class is None or original is None or not _has_parameters(original, ("self", "box", "tag")):
        return False
    if getattr(original, "refpub_patched", False):
        return True

    @contextmanager
    def marked(self, box, tag):
        with original(self, box, tag):
            if self._tags is not None and isinstance(box, boxes.TextBox) and self.stream[-1] == b"BDC":
                text = actual_text(box)
                properties = self.stream[-2]
                if isinstance(properties, pydyf.Dictionary):
                    if text is not None:
                        properties["ActualText"] = pydyf.String(text)
                    lang = script_language(box.text, box.style["lang"] or "")
                    if lang:
                        properties["Lang"] = pydyf.String(lang)
            yield

    setattr(marked, "refpub_patched", True)  # noqa: B010 (a function attribute)
    stream_class.marked = marked
    return True


# ----------------------------------------------------------------------------- structure


def _tidy_structure(pdf) -> None:
    """One Link element for a link that wraps (WeasyPrint makes one per line: a screen reader's
    links list had it twice), and no empty Span (an empty HTML span, such as a leader)."""
    root = _object(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    replaced: dict[bytes, bytes] = {}  # reference of a merged Link -> the Link it joined
    stack: list[Any] = [_object(pdf, kid) for kid in root.get("K", ())]
    while stack:
        struct = stack.pop()
        if not isinstance(struct, dict) or "K" not in struct:
            continue
        kids = struct["K"]
        if struct.get("S") == "/L" and _html_tag(_elements.get(id(struct))) == "dl":
            _pair_terms(pdf, kids)
        kept = _tidy_kids(pdf, kids, replaced, stack)
        if len(kept) != len(kids):
            kids[:] = kept
    if replaced:
        _point_parent_tree_at(_object(pdf, root.get("ParentTree")), replaced)


def _tidy_kids(pdf, kids, replaced: dict[bytes, bytes], stack: list) -> list:
    """The kids of one element to keep: not empty Spans, not a Link continuing the one before
    it (its content joins that one, noted in ``replaced``). The kept elements go on ``stack``."""
    kept: list = []
    previous: Any = None
    for kid in kids:
        child: Any = _object(pdf, kid)
        if not _is_struct(child):
            previous = None
            kept.append(kid)
            continue
        if child.get("S") in ("/Span", "/NonStruct") and not child.get("K"):
            continue  # empty
        if previous is not None and _continues_link(child, previous):
            _join_link(pdf, child, previous)
            replaced[child.reference] = previous.reference
            continue
        previous = child if child.get("S") == "/Link" else None
        stack.append(child)
        kept.append(kid)
    return kept


def _continues_link(child, previous) -> bool:
    """``child`` is the next line of the same HTML link as ``previous``, on the same page."""
    return (
        child.get("S") == "/Link" == previous.get("S")
        and child.get("Pg") == previous.get("Pg")
        and _elements.get(id(child)) is not None
        and _elements.get(id(child)) is _elements.get(id(previous))
    )


def _join_link(pdf, child, previous) -> None:
    for grandchild in child["K"]:
        previous["K"].append(grandchild)
        nested = _object(pdf, grandchild)
        if isinstance(nested, dict) and nested.get("Type") == "/StructElem":
            nested["P"] = previous.reference


def _point_parent_tree_at(tree, replaced: dict[bytes, bytes]) -> None:
    """The ParentTree's references to merged Links point at the Links they joined."""
    nums: Any = tree.get("Nums", []) if isinstance(tree, dict) else []
    for i, value in enumerate(nums):
        if isinstance(value, bytes) and value in replaced:
            nums[i] = replaced[value]
        elif isinstance(value, list):
            for j, reference in enumerate(value):
                if reference in replaced:
                    value[j] = replaced[reference]


def _is_struct(obj) -> bool:
    return isinstance(obj, dict) and obj.get("Type") == "/StructElem"


def _html_tag(element) -> str:
    tag = getattr(element, "tag", None)
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _pair_terms(pdf, kids) -> None:
    """A description list's items as label/value pairs: WeasyPrint makes each ``dt`` and each
    ``dd`` its own list item ("list of 6 items" for 3 contacts); a term becomes the Lbl of one
    LI and its descriptions the LBody that follow it."""
    current = None
    kept = []
    for kid in kids:
        item = _object(pdf, kid)
        tag = _html_tag(_elements.get(id(item))) if isinstance(item, dict) else ""
        if tag == "dt" and item.get("S") == "/LI":
            bodies = [_object(pdf, k) for k in item.get("K", ())]
            for body in bodies:
                if isinstance(body, dict) and body.get("S") == "/LBody":
                    body["S"] = "/Lbl"
            current = item
        elif tag == "dd" and item.get("S") == "/LI" and current is not None:
            for grandchild in item.get("K", ()):
                current["K"].append(grandchild)
                body = _object(pdf, grandchild)
                if isinstance(body, dict):
                    body["P"] = current.reference
                    if "Lang" in item and "Lang" not in body:
                        body["Lang"] = item["Lang"]  # the language of the item left out
            continue
        else:
            current = None
        kept.append(kid)
    kids[:] = kept
