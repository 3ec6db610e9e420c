"""The café's handout (tests/roots/handout-cafe): five Osaka organisations with the languages
they speak, opening hours, phone, e-mail, address and sources, no readings. What a refugee
gets: one A4 page of all five and one A5 page of two, the languages spoken named in both
columns' languages, opening hours as each language writes them, links that can be tapped
(web, mailto:, tel:) and QR codes that scan from a 100 dpi image."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pyzbar import pyzbar

from refpub.content.model import OpeningHours
from refpub.content.urls import tel_href
from refpub.i18n.names import language_name
from refpub.views.formats import format_hours

from support import ROOTS, run_cli

pytestmark = pytest.mark.tools  # poppler (pdftoppm) and zbar


@pytest.fixture(scope="module")
def built(built) -> Path:
    return built("handout-cafe", only=("handouts",)).out


def _pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"[\s\u2060\u00ad\u2009\u202f]+", "", text)


def test_five_organisations_on_one_a4_page_and_two_on_one_a5_page(built):
    assert _pages(built / "handout-all.pdf") == 1
    assert _pages(built / "handout-two.pdf") == 1
    with pikepdf.open(built / "handout-two.pdf") as doc:
        width, height = (float(v) * 25.4 / 72 for v in doc.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (148, 210)


def test_languages_spoken_are_named_in_each_column_s_language(built):
    text = _squash(_text(built / "handout-all.pdf"))
    spoken = ["ja", "en", "my", "ar"]  # kita-legal
    for column in ("en", "ja"):
        names = [language_name(code, column) for code in spoken]
        assert _squash(("、" if column == "ja" else ", ").join(names)) in text, column
    assert "ミャンマー語" in text
    assert "Burmese" in text


def test_opening_hours_are_printed_in_both_languages(built):
    text = _squash(_text(built / "handout-all.pdf"))
    assert _squash("Mon – Fri 10:00 – 17:00") in text
    assert "月～金10:00～17:00" in text
    assert _squash("Tue, Thu 13:00 – 17:00") in text
    assert "火、木13:00～17:00" in text


def test_web_email_and_phone_are_link_annotations(built):
    uris = set()
    with pikepdf.open(built / "handout-all.pdf") as doc:
        for page in doc.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    uris.add(str(action.URI))
                    assert str(annot.get("/Contents", "")).strip(), "a link without a description"
        # Tagged as Link structure elements.
        kinds = set()
        stack = [doc.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    kinds.add(str(node.S))
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kids)
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
        assert "/Link" in kinds
    assert {"tel:+81600000001", "mailto:desk@kita-legal.example.org", "https://kita-legal.example.org/"} <= uris
    assert "tel:+81720000005" in uris  # 072-000-0005: the trunk 0 dropped
    listed = subprocess.run(["pdfinfo", "-url", str(built / "handout-all.pdf")], capture_output=True, text=True)
    assert "tel:+81600000004" in listed.stdout
    # Printed as written.
    assert "06-0000-0001" in _text(built / "handout-all.pdf")


@pytest.mark.parametrize("name", ["handout-all", "handout-two"])
def test_qr_codes_decode_at_100_dpi(built, tmp_path, name):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(built / f"{name}.pdf"), str(tmp_path / "page")],
        check=True,
    )
    decoded = {d.data.decode() for d in pyzbar.decode(Image.open(tmp_path / "page.png")) if d.type == "QRCODE"}
    expected = {
        "handout-all": {
            "https://kita-legal.example.org/",
            "https://minato-clinic.example.org/",
            "https://naniwa-support.example.org/",
            "https://sakai-nihongo.example.org/",
        },
        "handout-two": {"https://kita-legal.example.org/", "https://minato-clinic.example.org/"},
    }[name]
    assert decoded == expected


def test_edition_is_under_the_title_not_only_in_the_footer(built):
    text = _text(built / "handout-all.pdf")
    assert text.count("Edition of November 20, 2026") == 2  # under the title, and in the footer
    # (poppler prints the quarter em between Japanese and digits, JLReq, as a space)
    assert _squash(text).count("2026年11月20日版") == 2


def test_every_handout_language_builds(built):
    for name in ("handout-all-my", "handout-all-ar", "handout-all-ne"):
        text = _text(built / f"{name}.pdf")
        assert "ミャンマー語" in text  # the Japanese column names the languages


def test_hours_are_formatted_by_cldr():
    hours = (
        OpeningHours(("mon", "tue", "wed", "thu", "fri"), dt.time(10), dt.time(17)),
        OpeningHours(("thu", "tue"), dt.time(9, 30), dt.time(12)),
    )
    assert format_hours(hours, "en") == (
        "Mon\u2009–\u2009Fri 10:00\u2009–\u200917:00",
        "Tue, Thu 09:30\u2009–\u200912:00",
    )
    assert format_hours(hours, "ja") == ("月～金 10:00～17:00", "火、木 9:30～12:00")


def test_tel_links_are_e164():
    assert tel_href("06-0000-0000") == "tel:+81600000000"
    assert tel_href("+81 3-1234-5678") == "tel:+81312345678"
    assert tel_href("+1 (555) 010-0000") == "tel:+15550100000"
    assert tel_href("12") == ""


def test_bad_hours_are_located_errors(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOTS / "handout-cafe", root)
    path = root / "content" / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("days: [mon, tue, wed, thu, fri]", "days: [mon, tue, wed, thu, fry]", 1)
    text = text.replace('opens: "13:00"\n      closes: "17:00"', 'opens: "13:00"\n      closes: "12:00"', 1)
    text = text.replace('opens: "09:30"', 'opens: "9.30"', 1)
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", str(root))
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() + result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 3, errors
    assert re.match(
        r"content/organisations\.yaml:\d+:\d+: error: organisation 'kita-legal': hours: unknown day 'fry'", errors[0]
    )
    assert "organisation 'minato-clinic': hours close at 12:00, not after they open at 13:00" in errors[1]
    assert "organisation 'naniwa-support': hours: opens '9.30' is not a time" in errors[2]
    assert "Traceback" not in result.stderr


def test_reader_and_web_show_hours_addresses_per_language_and_tel_links(tmp_path, epoch):
    import zipfile

    from lxml import etree
    from lxml import html as lxml_html

    from refpub.build import build

    root = tmp_path / "project"
    shutil.copytree(ROOTS / "handout-cafe", root)
    result = build(root, only=["reader", "web"], langs=["en", "ja"], jobs=1)
    assert result.ok, [o.errors for o in result.outputs]
    out = root / "build"

    page = lxml_html.parse(str(out / "web" / "ja" / "org" / "kita-legal" / "index.html"))
    assert page.xpath("//dd[@class='hours']/text()") == ["月～金 10:00～17:00"]
    assert page.xpath("string(//dd[@class='hours-note'])") == "祝日は休みです。予約のため、まずお電話ください。"
    assert page.xpath("string(//dd[@class='address'])") == "〒530-0000 大阪府大阪市北区例町1-2-3 例ビル4階"
    assert "tel:+81600000001" in page.xpath("//dl[@class='contacts']//a/@href")
    page = lxml_html.parse(str(out / "web" / "en" / "org" / "kita-legal" / "index.html"))
    assert page.xpath("string(//dd[@class='address'])") == "4F Rei Bldg, 1-2-3 Reimachi, Kita-ku, Osaka 530-0000"
    # An address written once, in Japanese, is marked Japanese on the English page.
    page = lxml_html.parse(str(out / "web" / "en" / "org" / "yodo-shelter" / "index.html"))
    assert page.xpath("//dd[@class='address']/@lang") == ["ja"]

    with zipfile.ZipFile(out / "reader-en.epub") as book:
        doc = etree.fromstring(book.read("EPUB/organisations.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    hours = [" ".join(d.itertext()) for d in doc.xpath("//x:dd[@class='hours']", namespaces=ns)]
    assert "Tue, Thu 13:00\u2009–\u200917:00" in hours
    assert "Sat 10:00\u2009–\u200912:00" in hours
    assert "tel:+81720000005" in doc.xpath("//x:dl[@class='contacts']//x:a/@href", namespaces=ns)


def _lines(document, tag: str) -> list[str]:
    """The text of each laid-out line of the elements ``tag``."""
    lines = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if type(box).__name__ != "LineBox":
                continue
            element = getattr(box, "element", None)
            if element is None or element.tag != tag:
                continue
            text = "".join(getattr(child, "text", "") for child in box.descendants())
            lines.append(text.strip())
    return lines


def test_names_are_never_hyphenated_body_text_may_be(tmp_path):
    from refpub.building.loading import load_project
    from refpub.export.base import RenderSession
    from refpub.export.handouts import handout_html
    from refpub.pdf.writer import render_document

    root = tmp_path / "project"
    shutil.copytree(ROOTS / "handout-cafe", root)
    path = root / "content" / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: Minato Free Clinic", "name: Multicultural Coexistence Counselling Centre")
    text = text.replace(
        "Medical consultations for people without health insurance",
        "Internationalisation-minded, comprehensive consultations, notwithstanding circumstances",
    )
    path.write_text(text, encoding="utf-8")
    project = load_project(root)
    handout = next(h for h in project.content.publication.handouts if h.id == "two")
    page = handout_html(handout, RenderSession(project))
    document = render_document(page.html, [root], root)
    names = _lines(document, "h3")
    assert any("Counselling" in line or "Coexistence" in line for line in names), names
    assert not [line for line in names if line.endswith("-")], names
    body = _lines(document, "p")
    assert [line for line in body if line.endswith("-")], "body text is hyphenated where it helps"
