"""The handbook laid out in parts (pdf/book.py) is the book one document would have been.

A fixture of 60 readings and 12 organisations is built twice: in parts of 7 entries (chapters
cut between entries, the cut pages laid out again) and in one part. Pages, text, outline,
contents numbers, links and the structure tree are read back from the PDFs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

import refpub.export.handbook as handbook
import refpub.pdf.book as book
from refpub.build import build
from refpub.building.loading import load_project
from refpub.export.base import RenderSession, Target
from refpub.pdf.writer import html_to_pdf

from support import EPOCH, require_tool

pytestmark = [pytest.mark.tools, pytest.mark.slow]  # poppler (pdftotext, pdftoppm), qpdf; two handbooks of 60 readings

WORDS = "refugee asylum support legal advice housing language lessons detention visit report policy".split()


def _reading(i: int) -> str:
    words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40 + (i * 7) % 50))
    section = "general" if i < 45 else "detention"
    return (
        f"- id: r{i:03d}\n  title: Reading number {i} about {WORDS[i % len(WORDS)]}\n"
        f"  summary: {words.capitalize()}.\n  publisher: Publisher {i % 5}\n  section: {section}\n"
        f'  kind: report\n  topics: [policy]\n  language: en\n  date: "20{10 + i % 15:02d}-0{1 + i % 9}"\n'
    )


def _organisation(i: int) -> str:
    words = " ".join(WORDS[(i * 3 + k) % len(WORDS)] for k in range(30 + (i * 11) % 40))
    return (
        f"- id: o{i:02d}\n  name: Organisation {i}\n  description: {words.capitalize()}.\n"
        f"  services: [legal, counselling]\n  region: Tokyo\n  url: https://example.org/o{i}\n"
    )


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    built = {}
    for name, budget in (("parts", 7), ("whole", 10_000)):
        root = tmp_path_factory.mktemp(name) / "good"
        shutil.copytree(Path(__file__).parent.parent / "roots" / "good", root)
        (root / "content/readings.yaml").write_text("".join(_reading(i) for i in range(60)), encoding="utf-8")
        orgs = root / "content/organisations.yaml"
        orgs.write_text(
            orgs.read_text(encoding="utf-8") + "".join(_organisation(i) for i in range(12)), encoding="utf-8"
        )
        mp = pytest.MonkeyPatch()
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setattr(handbook, "PART_BUDGET", budget)
        documents = []
        layout = book.BookRenderer._layout
        mp.setattr(
            book.BookRenderer,
            "_layout",
            lambda self, html, documents=documents, layout=layout: documents.append(html) or layout(self, html),
        )
        try:
            result = build(root, only=["handbook"], langs=["en"], jobs=1)
        finally:
            mp.undo()
        assert result.ok, [o.errors for o in result.outputs]
        built[name] = root / "build/handbook-en.pdf"
        built[f"{name}-documents"] = len(documents)
    # The reference: the whole book as one WeasyPrint document (target-counter, margin boxes).
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        session = RenderSession(load_project(root))
        html, _, _ = handbook.HandbookExporter().render_html(Target("handbook", "handbook-en.pdf", "en"), session)
        single = html_to_pdf(html, session.resource_roots, root)
    finally:
        mp.undo()
    built["single"] = root / "build/single.pdf"
    built["single"].write_bytes(single.data)
    return built


def _page_texts(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def _outline(reader: PdfReader, items=None, depth=0) -> list[tuple[int, str, int]]:
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found.extend(_outline(reader, item, depth + 1))
        else:
            found.append((depth, item.title, reader.get_destination_page_number(item)))
    return found


def test_parts_give_the_pages_of_one_document(books):
    # front, body, index and furniture; 60 readings in parts of 7 are 9 or more body parts
    assert books["whole-documents"] == 4
    assert books["parts-documents"] >= 4 + 8
    parts, whole = _page_texts(books["parts"]), _page_texts(books["whole"])
    assert parts == whole  # every page, its text, header and "n / total" alike


def test_outline_is_one_tree_across_parts(books):
    parts = _outline(PdfReader(books["parts"]))
    assert parts == _outline(PdfReader(books["whole"]))
    top = [title for depth, title, _ in parts if depth == 0]
    assert top == ["Key readings", "Asylum seekers in detention", "Support organisations", "Organisations by service"]
    assert sum(1 for depth, _, _ in parts if depth == 1) == 60 + 14  # every reading and organisation


def test_contents_numbers_are_the_pages_the_chapters_start_on(books):
    reader = PdfReader(books["parts"])
    starts = {title: page + 1 for depth, title, page in _outline(reader) if depth == 0}
    contents = _page_texts(books["parts"])[1]
    assert contents.startswith("Contents")
    for title, page in starts.items():
        printed = re.search(re.escape(title) + r" +(\d+)\b", contents)  # no dots: the leader is drawn
        assert printed, (title, page, contents)
        assert int(printed.group(1)) == page, (title, page, contents)


def test_links_between_parts_go_to_their_named_destination(books):
    reader = PdfReader(books["parts"])
    names = reader.named_destinations
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if action is not None:
                assert not str(action.get("/URI", "")).startswith("refpub-anchor:")
            if "/Dest" in a:
                internal += 1
                assert str(a["/Dest"]) in names, a["/Dest"]
    assert internal >= 4 + 12 * 2  # the contents, and the index's two services per organisation


def _number_tree(node) -> list:
    node = node.get_object()
    if "/Nums" in node:
        nums = node["/Nums"]
        return [(int(nums[i]), nums[i + 1].get_object()) for i in range(0, len(nums), 2)]
    return [entry for kid in node["/Kids"] for entry in _number_tree(kid)]


def test_structure_tree_covers_every_page_and_link(books):
    reader = PdfReader(books["parts"])
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"]
    entries = _number_tree(tree["/ParentTree"])
    keys = [key for key, _ in entries]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    values = dict(entries)
    page_ids = {page.indirect_reference.idnum for page in reader.pages}
    for index, page in enumerate(reader.pages):
        assert page["/StructParents"] == index
        for element in values[index]:
            assert element.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum
        for annot in page.get("/Annots") or []:
            assert int(annot.get_object()["/StructParent"]) in keys
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    for kid in document["/K"]:
        element = kid.get_object()
        assert isinstance(element.raw_get("/P"), IndirectObject)
        assert element["/P"]["/S"] == "/Document"
        assert element.raw_get("/Pg").idnum in page_ids
    assert int(tree["/ParentTreeNextKey"]) == len(keys)


def test_pages_look_the_same_with_each_font_embedded_once(books, tmp_path):
    """Pixel for pixel: every glyph is in the one subset of its font that the parts share."""
    images = {}
    for name in ("parts", "single"):
        subprocess.run(["pdftoppm", "-r", "40", "-gray", str(books[name]), str(tmp_path / name)], check=True)
        images[name] = [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.pgm"))]
    assert len(images["parts"]) == len(images["single"]) > 8
    for page, (a, b) in enumerate(zip(images["parts"], images["single"]), start=1):
        assert a == b, f"page {page} differs from the book laid out as one document"
    fonts = subprocess.run(["pdffonts", str(books["parts"])], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names, names
    assert len(names) == len(set(names)), names


def test_qpdf_check_passes(books):
    subprocess.run([require_tool("qpdf"), "--check", str(books["parts"])], check=True, capture_output=True)


def test_a_handbook_template_that_ignores_part_is_refused(make_project):
    root = make_project("good")
    (root / "templates").mkdir()
    (root / "templates/handbook.html").write_text(
        '<!DOCTYPE html><html lang="{{ pub.lang }}"><body><h1>{{ pub.title }}</h1></body></html>\n', encoding="utf-8"
    )
    result = build(root, only=["handbook"], langs=["en"])
    assert not result.ok
    [output] = result.outputs
    message = str(output.errors[0])
    assert "templates/handbook.html:1" in message, message
    assert "does not use `part`" in message, message
    assert not (root / "build/handbook-en.pdf").exists()
