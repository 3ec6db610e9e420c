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
* **Ruby** (furigana, render/furigana.py): WeasyPrint tags ``<ruby>``, ``<rb>`` and ``<rt>`` as
  NonStruct; they become the standard ``Ruby``, ``RB`` and ``RT`` structure elements, the base
  (RB) first, as HTML has it (the PDF draws the reading first: see the stylesheets).
* **pydyf's page references** cost O(pages) per lookup: cached (see :func:`_cache_page_references`).
* **Fonts before they are embedded**: :func:`fonts_seen_by` lets the book share one font subset
  between its parts (render/book.py, ``_SharedGlyphs``).
"""

from __future__ import annotations

import inspect
import logging
import re
from contextlib import contextmanager

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
    if not isinstance(prop, property):
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
