"""Tests for the PDF/UA-1 checker (tests/pdfua/checker.py).

The baseline is a WeasyPrint PDF/UA-1 rendering of a small HTML page (h1, h2, a paragraph with a link,
a Japanese paragraph, a list and a table); it passes every implemented rule. Each rule then has a test
that breaks exactly that rule with pikepdf and asserts the checker reports that rule id (and, where
the break unavoidably breaks a second rule, that one too, spelt out in the test).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from .checker import RULES, Failure, check, format_failures

HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Checker baseline</title></head>
<body>
<h1>Baseline</h1>
<p>Hello <a href="https://example.org/">example</a> world.</p>
<p lang="ja">日本語の文章です。</p>
<h2>Details</h2>
<ul><li>one</li><li>two</li></ul>
<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>
</body></html>"""


@pytest.fixture(scope="module")
def good_bytes() -> bytes:
    import weasyprint

    return weasyprint.HTML(string=HTML).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


class Doc:
    """The baseline opened with pikepdf, with helpers to add structure, content and annotations."""

    def __init__(self, data: bytes) -> None:
        self.pdf = pikepdf.open(io.BytesIO(data))
        self.page = self.pdf.pages[0]
        self.st = self.pdf.Root.StructTreeRoot
        root_k = self.st.K
        self.document = root_k[0] if isinstance(root_k, Array) else root_k
        self._forms = 0

    # structure ----------------------------------------------------------------------------
    @staticmethod
    def add_kid(parent: Dictionary, kid) -> None:
        k = parent.get("/K")
        if k is None:
            parent.K = Array([kid])
        elif isinstance(k, Array):
            k.append(kid)
        else:
            parent.K = Array([k, kid])

    def elem(self, parent: Dictionary, s: str, **entries) -> Dictionary:
        e = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + s), P=parent, Pg=self.page.obj))
        for key, value in entries.items():
            e[Name("/" + key)] = String(value) if isinstance(value, str) else value
        self.add_kid(parent, e)
        return e

    def tree(self, spec: tuple, parent: Dictionary | None = None) -> Dictionary:
        """("Table", ("TR", ("TD",)), ("P",)) -> nested elements under Document (or parent)."""
        e = self.elem(self.document if parent is None else parent, spec[0])
        for kid in spec[1:]:
            self.tree(kid, e)
        return e

    def root_elem(self, s: str, **entries) -> Dictionary:
        """A structure element directly under StructTreeRoot, beside Document."""
        return self.elem(self.st, s, **entries)

    def elems(self, s: str) -> list[Dictionary]:
        out, stack = [], [self.st.K]
        while stack:
            item = stack.pop()
            if isinstance(item, Array):
                stack.extend(reversed(list(item)))
            elif isinstance(item, Dictionary) and "/S" in item:
                if item.S == Name("/" + s):
                    out.append(item)
                if "/K" in item:
                    stack.append(item.K)
        return out

    # parent tree -----------------------------------------------------------------------------
    @property
    def nums(self) -> Array:
        return self.st.ParentTree.Nums

    def next_key(self) -> int:
        return max(int(self.nums[i]) for i in range(0, len(self.nums), 2)) + 1

    def mcid(self, elem: Dictionary) -> int:
        """Register a new MCID on page 1 for elem (ParentTree and the element's /K); return it."""
        sp = int(self.page.obj.StructParents)
        arr = next(self.nums[i + 1] for i in range(0, len(self.nums), 2) if int(self.nums[i]) == sp)
        arr.append(elem)
        mcid = len(arr) - 1
        self.add_kid(elem, mcid)
        return mcid

    def tagged(self, s: str = "P", parent: Dictionary | None = None, **entries) -> int:
        return self.mcid(self.elem(self.document if parent is None else parent, s, **entries))

    # content ---------------------------------------------------------------------------------
    def draw(self, content: bytes | str) -> None:
        if isinstance(content, str):
            content = content.encode("latin-1")
        self.page.contents_add(self.pdf.make_stream(content), prepend=False)

    def text(self) -> str:
        """A text object showing a few glyphs with the page's first font (mapped in its ToUnicode)."""
        font = show = None
        for instr in pikepdf.parse_content_stream(self.page):
            if str(instr.operator) == "Tf" and font is None:
                font = instr.operands[0]
            if str(instr.operator) == "TJ" and font is not None:
                show = instr
                break
        show_src = pikepdf.unparse_content_stream([show]).decode("latin-1")
        return f"BT {font} 12 Tf 1 0 0 1 50 50 Tm {show_src} ET"

    def font(self, needle: bytes = b"") -> tuple[str, Dictionary]:
        for name, f in self.page.Resources.Font.items():
            if needle in f.ToUnicode.read_bytes():
                return name, f
        raise LookupError(needle)

    def form(self, content: bytes, **entries) -> str:
        name = f"/Fm{self._forms}"
        self._forms += 1
        xobj = self.pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 100, 100])
        for key, value in entries.items():
            xobj[Name("/" + key)] = value
        res = self.page.obj.Resources
        if "/XObject" not in res:
            res.XObject = Dictionary()
        res.XObject[Name(name)] = xobj
        return name

    def image(self) -> str:
        img = self.pdf.make_stream(
            b"\x00",
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=1,
            Height=1,
            ColorSpace=Name.DeviceGray,
            BitsPerComponent=8,
        )
        res = self.page.obj.Resources
        if "/XObject" not in res:
            res.XObject = Dictionary()
        res.XObject.Im0 = img
        return "/Im0"

    def helvetica(self, **entries) -> str:
        f = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
        for key, value in entries.items():
            f[Name("/" + key)] = value
        self.page.obj.Resources.Font.Helv = self.pdf.make_indirect(f)
        return "/Helv"

    # annotations -----------------------------------------------------------------------------
    @property
    def link(self) -> Dictionary:
        return next(a for a in self.page.obj.Annots if a.Subtype == Name.Link)

    def annot(self, subtype: str, tag: str | None = None, **entries) -> Dictionary:
        a = self.pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name("/" + subtype), Rect=[50, 50, 80, 80]))
        for key, value in entries.items():
            a[Name("/" + key)] = String(value) if isinstance(value, str) else value
        self.page.obj.Annots.append(a)
        if tag is not None:
            e = self.elem(self.document, tag)
            self.add_kid(e, Dictionary(Type=Name.OBJR, Obj=a, Pg=self.page.obj))
            self.point_annot(a, e)
        return a

    def point_annot(self, annot: Dictionary, elem: Dictionary) -> None:
        key = self.next_key()
        self.nums.extend([key, elem])
        annot.StructParent = key

    # metadata, language ----------------------------------------------------------------------
    def xmp(self, old: str, new: str, regex: bool = False) -> None:
        data = self.pdf.Root.Metadata.read_bytes().decode()
        changed = re.sub(old, new, data, flags=re.S) if regex else data.replace(old, new)
        assert changed != data, f"{old!r} not in the XMP metadata"
        self.pdf.Root.Metadata.write(changed.encode())

    def drop_catalog_lang(self, keep_outlines: bool = False, keep_xdefault: bool = False) -> None:
        """No /Lang on the catalog; every kid of Document gets /Lang (en) so text stays determinable."""
        del self.pdf.Root.Lang
        for kid in self.document.K:
            if isinstance(kid, Dictionary):
                kid.Lang = String("en")
        if not keep_outlines:
            del self.pdf.Root.Outlines
        if not keep_xdefault:
            self.xmp('xml:lang="x-default"', 'xml:lang="en"')

    def save(self) -> bytes:
        out = io.BytesIO()
        self.pdf.save(out, fix_metadata_version=False)  # else pikepdf rewrites the XMP stream
        return out.getvalue()


def rules(source) -> set[str]:
    return {f.rule for f in check(source)}


def assert_rules(doc: Doc, expected: set[str]) -> list[Failure]:
    failures = check(doc.save())
    assert {f.rule for f in failures} == expected, format_failures(failures)
    return failures


@pytest.fixture
def doc(good_bytes) -> Doc:
    return Doc(good_bytes)


# --------------------------------------------------------------------------------------------
# The baseline, the API and the CLI


def test_weasyprint_baseline_passes(good_bytes):
    failures = check(good_bytes)
    assert failures == [], format_failures(failures)


def test_element_lang_is_kept_with_refpub_s_tagging(tmp_path):
    """WeasyPrint 70 writes /Lang only on the catalog (<p lang=ja> is tagged as the document's
    language, which no rule of the veraPDF profile can see); refpub.pdf.tagging adds it. Run in
    a fresh process, so that whether the patch is installed does not depend on the tests before."""
    script = (
        "import sys, weasyprint; from refpub.pdf.tagging import install; "
        "install() if sys.argv[1] == 'patched' else None; "
        "sys.stdout.buffer.write(weasyprint.HTML(string=sys.argv[2]).write_pdf(pdf_variant='pdf/ua-1', pdf_tags=True))"
    )
    html = '<html lang="en"><body><p>English</p><p lang="ja">日本語の段落</p></body></html>'
    langs = {}
    for mode in ("plain", "patched"):
        data = subprocess.run([sys.executable, "-c", script, mode, html], capture_output=True, check=True).stdout
        doc = Doc(data)  # kept open while its elements are read
        langs[mode] = [str(p.get("/Lang", "")) for p in doc.elems("P")]
    assert "ja" not in langs["plain"]  # what WeasyPrint does alone
    assert langs["patched"].count("ja") == 1
    assert check_lang_free(langs["patched"])


def check_lang_free(langs: list[str]) -> bool:
    """Only the passage in another language carries a /Lang: the English one inherits the catalog's."""
    return all(lang in ("", "ja") for lang in langs)


def test_check_accepts_path_bytes_and_pdf(good_bytes, tmp_path):
    path = tmp_path / "good.pdf"
    path.write_bytes(good_bytes)
    assert check(path) == check(str(path)) == check(good_bytes) == check(pikepdf.open(path)) == []


def test_format_failures_groups_by_rule():
    failures = [
        Failure("7.3-1", "Figure without Alt", "struct /Figure[0]"),
        Failure("7.3-1", "Figure without Alt", "struct /Figure[1]"),
        Failure("7.18.3-1", "no Tabs", "page 2"),
    ]
    text = format_failures(failures, limit=1)
    assert "3 PDF/UA-1 failure(s) in 2 rule(s)" in text
    assert text.index("7.3-1 x2") < text.index("7.18.3-1 x1")  # rule order, not string order
    assert "... 1 more" in text
    assert format_failures([]) == "no PDF/UA-1 failures"


def test_cli_prints_counts_per_rule(doc, good_bytes, tmp_path):
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(good_bytes)
    doc.tree(("Figure",))
    doc.tree(("Figure",))
    bad.write_bytes(doc.save())
    script = Path(__file__).with_name("checker.py")
    run = subprocess.run([sys.executable, str(script), str(good), str(bad)], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert "no PDF/UA-1 failures" in run.stdout
    assert "7.3-1 x2" in run.stdout
    listing = subprocess.run([sys.executable, str(script), "--rules"], capture_output=True, text=True)
    assert listing.returncode == 0
    assert "7.18.5-1" in listing.stdout


def test_every_rule_has_a_test():
    source = Path(__file__).read_text()
    untested = [rule for rule in RULES if f'"{rule}"' not in source]
    assert not untested


# --------------------------------------------------------------------------------------------
# Document level: 5, 6.1, 6.2, 7.1-4 .. 7.1-11, 7.10


def test_5_1_no_pdfuaid(doc):
    doc.xmp(' pdfuaid:part="1"', "")
    assert_rules(doc, {"5-1"})


def test_5_2_wrong_part(doc):
    doc.xmp('pdfuaid:part="1"', 'pdfuaid:part="2"')
    assert_rules(doc, {"5-2"})


def test_6_1_1_header(doc):
    data = doc.save()
    assert data.startswith(b"%PDF-1.")
    assert rules(b"%PDF-1.9" + data[8:]) == {"6.1-1"}


def test_6_2_1_marked(doc):
    doc.pdf.Root.MarkInfo.Marked = False
    assert_rules(doc, {"6.2-1"})


def test_7_1_4_suspects(doc):
    doc.pdf.Root.MarkInfo.Suspects = True
    assert_rules(doc, {"7.1-4"})


def test_7_1_8_metadata_subtype(doc):
    del doc.pdf.Root.Metadata.Subtype
    assert_rules(doc, {"7.1-8"})


def test_7_1_8_no_metadata(doc):
    del doc.pdf.Root.Metadata
    assert_rules(doc, {"7.1-8", "7.1-9", "5-1"})


def test_7_1_9_no_dc_title(doc):
    doc.xmp(r"<dc:title>.*?</dc:title>", "", regex=True)
    assert_rules(doc, {"7.1-9"})


def test_7_1_10_display_doc_title(doc):
    doc.pdf.Root.ViewerPreferences.DisplayDocTitle = False
    assert_rules(doc, {"7.1-10"})


def test_7_1_11_no_struct_tree_root(doc):
    del doc.pdf.Root.StructTreeRoot
    found = rules(doc.save())
    # every MCID (7.1-3) and the link (7.18.5-1) lose their structure element too
    assert found == {"7.1-11", "7.1-3", "7.18.5-1"}


def test_7_10_optional_content_config(doc):
    ocg = doc.pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Layer")))
    doc.pdf.Root.OCProperties = Dictionary(
        OCGs=[ocg], D=Dictionary(Order=[ocg]), Configs=[Dictionary(Name=String("Alt"), AS=[])]
    )
    found = check(doc.save())
    assert [(f.rule, f.where) for f in found] == [("7.10-1", "OCProperties /D"), ("7.10-2", "OCProperties /Configs[0]")]


# --------------------------------------------------------------------------------------------
# 7.1-1 .. 7.1-3: artifacts and tagged content, including form XObjects and images


def test_7_1_3_untagged_path(doc):
    doc.draw("0 0 m 10 10 l S")
    (failure,) = assert_rules(doc, {"7.1-3"})
    assert failure.where == "page 1"
    assert "a path" in failure.message


def test_7_1_3_untagged_text(doc):
    doc.draw(doc.text())
    assert_rules(doc, {"7.1-3"})


def test_7_1_3_mcid_unknown_to_the_parent_tree(doc):
    doc.draw("/P <</MCID 999>> BDC 0 0 m 10 10 l S EMC")
    assert_rules(doc, {"7.1-3"})


def test_7_1_3_bmc_without_mcid_is_not_tagged(doc):
    doc.draw("/Span BMC 0 0 m 10 10 l S EMC")
    assert_rules(doc, {"7.1-3"})


def test_7_1_3_untagged_image_and_inline_image(doc):
    name = doc.image()
    doc.draw(f"q 10 0 0 10 0 0 cm {name} Do Q")
    doc.draw("/Span BMC q BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q EMC")  # one failure per sequence
    found = check(doc.save())
    assert [f.rule for f in found] == ["7.1-3", "7.1-3"], format_failures(found)
    assert "image /Im0" in found[0].message
    assert "inline image" in found[1].message


def test_7_1_3_untagged_content_in_form_xobject(doc):
    name = doc.form(b"0 0 m 10 10 l S")
    doc.draw(f"{name} Do")
    (failure,) = assert_rules(doc, {"7.1-3"})
    assert failure.where == f"page 1 > {name}"


def test_tagged_content_passes(doc):
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid}>> BDC {doc.text()} 0 0 m 10 10 l S EMC")
    figure = doc.elem(doc.document, "Figure", Alt="A grey square")
    doc.draw(f"/Figure <</MCID {doc.mcid(figure)}>> BDC q 10 0 0 10 0 0 cm {doc.image()} Do Q EMC")
    doc.draw("/Artifact BMC 0 0 m 10 10 l S EMC")
    doc.draw("/Artifact <</Type /Pagination>> BDC BT ET EMC")
    assert_rules(doc, set())


def test_property_list_by_name(doc):
    mcid = doc.tagged("P")
    doc.page.obj.Resources.Properties = Dictionary(MC0=Dictionary(MCID=mcid))
    doc.draw("/P /MC0 BDC 0 0 m 10 10 l S EMC")
    assert_rules(doc, set())


def test_form_xobject_inherits_tagged_content(doc):
    name = doc.form(b"0 0 m 10 10 l S /Artifact BMC 1 1 m 2 2 l S EMC")
    mcid = doc.tagged("Figure", Alt="Lines")
    doc.draw(f"/Figure <</MCID {mcid}>> BDC {name} Do EMC")
    # an Artifact inside the form is, through the Do, inside tagged content
    assert_rules(doc, {"7.1-1"})


def test_form_xobject_in_artifact(doc):
    name = doc.form(b"0 0 m 10 10 l S")
    doc.draw(f"/Artifact BMC {name} Do EMC")
    assert_rules(doc, set())


def test_form_xobject_with_own_struct_parents(doc):
    elem = doc.elem(doc.document, "P")
    key = doc.next_key()
    doc.nums.extend([key, Array([elem])])
    name = doc.form(b"/P <</MCID 0>> BDC 0 0 m 10 10 l S EMC /P <</MCID 1>> BDC 0 0 m 5 5 l S EMC", StructParents=key)
    xobj = doc.page.obj.Resources.XObject[name]
    doc.add_kid(elem, Dictionary(Type=Name.MCR, MCID=0, Stm=xobj, Pg=doc.page.obj))
    doc.draw(f"{name} Do")
    (failure,) = assert_rules(doc, {"7.1-3"})  # MCID 1 has no entry
    assert "MCID 1" in failure.message
    assert failure.where.endswith(name)


def test_form_xobject_with_struct_parent(doc):
    elem = doc.elem(doc.document, "Figure", Alt="A drawing")
    key = doc.next_key()
    doc.nums.extend([key, elem])
    name = doc.form(b"0 0 m 10 10 l S", StructParent=key)
    doc.add_kid(elem, Dictionary(Type=Name.OBJR, Obj=doc.page.obj.Resources.XObject[name], Pg=doc.page.obj))
    doc.draw(f"{name} Do")
    assert_rules(doc, set())


def test_7_1_1_artifact_inside_tagged_content(doc):
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid}>> BDC /Artifact BMC 0 0 m 1 1 l S EMC EMC")
    assert_rules(doc, {"7.1-1"})


def test_7_1_2_tagged_content_inside_artifact(doc):
    mcid = doc.tagged("P")
    doc.draw(f"/Artifact BMC /P <</MCID {mcid}>> BDC 0 0 m 1 1 l S EMC EMC")
    assert_rules(doc, {"7.1-2"})


def test_7_20_1_reference_xobject(doc):
    name = doc.form(b"0 0 m 10 10 l S", Ref=Dictionary(F=String("other.pdf"), Page=0))
    doc.draw(f"/Artifact BMC {name} Do EMC")
    assert_rules(doc, {"7.20-1"})


# --------------------------------------------------------------------------------------------
# Structure tree walk: MCR dicts, bare ints, number-tree kids; role map 7.1-5 .. 7.1-7, 7.1-12


def test_mcr_dicts_and_bare_int_kids(doc):
    spans = [s for s in doc.elems("Span") if len(s.K) == 1 and isinstance(s.K[0], int)]
    assert len(spans) > 6
    for span in spans[0::3]:
        span.K = span.K[0]  # /K 3 rather than /K [3]
    for span in spans[1::3]:
        span.K = Dictionary(Type=Name.MCR, MCID=span.K[0])  # the page comes from the element's /Pg
    for span in spans[2::3]:
        span.K = Array([Dictionary(Type=Name.MCR, MCID=span.K[0], Pg=span.Pg)])
        del span.Pg  # ... or from the MCR's own /Pg
    assert_rules(doc, set())


def test_7_1_3_mcid_not_held_by_the_element(doc):
    span = next(s for s in doc.elems("Span") if len(s.K) == 1 and isinstance(s.K[0], int))
    mcid = int(span.K[0])
    span.K = Array()  # the ParentTree still points at the span
    (failure,) = assert_rules(doc, {"7.1-3"})
    assert f"MCID {mcid}" in failure.message
    assert "does not hold it" in failure.message


def test_7_1_3_mcid_on_another_page(doc):
    span = next(s for s in doc.elems("Span") if len(s.K) == 1 and isinstance(s.K[0], int))
    other = doc.pdf.add_blank_page()
    span.K = Array([Dictionary(Type=Name.MCR, MCID=span.K[0], Pg=other.obj)])
    assert_rules(doc, {"7.1-3"})


def test_parent_tree_with_kids(doc):
    pt = doc.st.ParentTree
    nums = list(pt.Nums)
    half = len(nums) // 2 // 2 * 2 or 2
    pt.Kids = Array(
        [
            doc.pdf.make_indirect(Dictionary(Nums=Array(nums[:half]))),
            doc.pdf.make_indirect(Dictionary(Nums=Array(nums[half:]))),
        ]
    )
    del pt.Nums
    assert_rules(doc, set())


def test_role_map_applies_before_rules(doc):
    doc.st.RoleMap = Dictionary(MyList=Name.L, MyItem=Name.LI, MyPic=Name.Figure, Chain=Name.MyPic)
    doc.tree(("MyList", ("MyItem", ("LBody",)), ("P",)))  # checked as an L: its P kid is reported
    doc.tree(("Chain",))  # Chain -> MyPic -> Figure, without Alt
    found = assert_rules(doc, {"7.2-19", "7.3-1"})
    assert any("L has kids P" in f.message for f in found)


def test_role_mapped_link_is_a_link(doc):
    doc.st.RoleMap = Dictionary(Hyperlink=Name.Link)
    link_elem = doc.elems("Link")[0]
    link_elem.S = Name.Hyperlink
    assert_rules(doc, set())


def test_7_1_5_unmapped_type(doc):
    doc.tree(("Custom",))
    assert_rules(doc, {"7.1-5"})


def test_7_1_6_circular_mapping(doc):
    doc.st.RoleMap = Dictionary(A=Name.B, B=Name.A)
    doc.tree(("A",))
    assert_rules(doc, {"7.1-6"})


def test_7_1_7_standard_type_remapped(doc):
    doc.st.RoleMap = Dictionary(P=Name.Span)
    assert_rules(doc, {"7.1-7"})


def test_7_1_12_no_parent_entry(doc):
    del doc.tree(("Div",)).P
    assert_rules(doc, {"7.1-12"})


# --------------------------------------------------------------------------------------------
# Lists, tables, TOC (7.2-3 .. 7.2-40)

STRUCTURE_CASES = [
    ("7.2-3", ("Table", ("TR", ("TD",)), ("P",))),
    ("7.2-4", ("Div", ("TR", ("TD",)))),
    ("7.2-5", ("Div", ("THead", ("TR", ("TH",))))),
    ("7.2-6", ("Div", ("TBody", ("TR", ("TD",))))),
    ("7.2-7", ("Div", ("TFoot", ("TR", ("TD",))))),
    ("7.2-8", ("Div", ("TH",))),
    ("7.2-9", ("Div", ("TD",))),
    ("7.2-10", ("Table", ("TR", ("P",)))),
    ("7.2-11", ("Table", ("THead", ("TR", ("TH",))), ("THead", ("TR", ("TH",))), ("TBody", ("TR", ("TD",))))),
    ("7.2-12", ("Table", ("TBody", ("TR", ("TD",))), ("TFoot", ("TR", ("TD",))), ("TFoot", ("TR", ("TD",))))),
    ("7.2-13", ("Table", ("TFoot", ("TR", ("TD",))))),
    ("7.2-14", ("Table", ("THead", ("TR", ("TH",))))),
    ("7.2-16", ("Table", ("TR", ("TD",)), ("Caption",), ("TR", ("TD",)))),
    ("7.2-39", ("Table", ("Caption",), ("TR", ("TD",)), ("Caption",))),
    ("7.2-36", ("Table", ("THead", ("P",)), ("TBody", ("TR", ("TD",))))),
    ("7.2-37", ("Table", ("TBody", ("P",)))),
    ("7.2-38", ("Table", ("TBody", ("TR", ("TD",))), ("TFoot", ("P",)))),
    ("7.2-17", ("Div", ("LI", ("LBody",)))),
    ("7.2-18", ("Div", ("LBody",))),
    ("7.2-19", ("L", ("LI", ("LBody",)), ("P",))),
    ("7.2-20", ("L", ("LI", ("Lbl",), ("P",)))),
    ("7.2-40", ("L", ("LI", ("LBody",)), ("Caption",))),
    ("7.2-26", ("Div", ("TOCI",))),
    ("7.2-27", ("TOC", ("TOCI",), ("P",))),
    ("7.2-28", ("TOC", ("TOCI",), ("Caption",))),
]


@pytest.mark.parametrize(("rule", "spec"), STRUCTURE_CASES, ids=[c[0] for c in STRUCTURE_CASES])
def test_structure_rules(doc, rule, spec):
    doc.tree(spec)
    assert_rules(doc, {rule})


def test_well_formed_lists_tables_tocs_pass(doc):
    doc.tree(("L", ("Caption",), ("LI", ("Lbl",), ("LBody", ("L", ("LI", ("LBody",))))), ("LI",)))
    doc.tree(
        (
            "Table",
            ("Caption",),
            ("THead", ("TR", ("TH",), ("TH",))),
            ("TBody", ("TR", ("TD",), ("TD",))),
            ("TFoot", ("TR", ("TD",), ("TD",))),
        )
    )
    doc.tree(("Table", ("TR", ("TD",)), ("Caption",)))
    doc.tree(("TOC", ("Caption",), ("TOCI",), ("TOC", ("TOCI",))))
    assert_rules(doc, set())


# --------------------------------------------------------------------------------------------
# Figures, formulas, notes, headings


def test_7_3_1_figure_without_alt(doc):
    doc.tree(("Figure",))
    doc.elem(doc.document, "Figure", Alt="")  # an empty Alt is no alternative either
    doc.elem(doc.document, "Figure", ActualText="")  # ... but an empty ActualText is (as veraPDF has it)
    doc.elem(doc.document, "Figure", Alt="A chart")
    assert [f.rule for f in assert_rules(doc, {"7.3-1"})] == ["7.3-1", "7.3-1"]


def test_7_7_1_formula_without_alt(doc):
    doc.tree(("Formula",))
    doc.elem(doc.document, "Formula", Alt="x squared")
    assert_rules(doc, {"7.7-1"})


def test_7_9_1_note_without_id(doc):
    doc.tree(("Note",))
    doc.elem(doc.document, "Note", ID="n1")
    assert_rules(doc, {"7.9-1"})


def test_7_9_2_note_ids_unique(doc):
    doc.elem(doc.document, "Note", ID="n1")
    doc.elem(doc.document, "Note", ID="n1")
    assert [f.rule for f in assert_rules(doc, {"7.9-2"})] == ["7.9-2", "7.9-2"]


def test_7_4_2_1_first_heading_not_h1(doc):
    doc.elems("H1")[0].S = Name.H2
    assert_rules(doc, {"7.4.2-1"})


def test_7_4_2_1_skipped_level(doc):
    doc.tree(("H4",))  # after H2: skips H3
    doc.tree(("H3",))  # going back up from H4 is allowed
    (failure,) = assert_rules(doc, {"7.4.2-1"})
    assert "H4" in failure.message


def test_headings_may_go_up_and_repeat(doc):
    doc.tree(("H3",))
    doc.tree(("H3",))
    doc.tree(("H1",))
    doc.tree(("Sect", ("H2",), ("H3",)))
    assert_rules(doc, set())


def test_7_4_4_1_two_h_kids(doc):
    for h in doc.elems("H1") + doc.elems("H2"):
        h.S = Name.H  # a strongly structured document whose Document has two H kids
    (failure,) = assert_rules(doc, {"7.4.4-1"})
    assert failure.where == "struct /Document[0]"


def test_7_4_4_2_and_3_h_mixed_with_hn(doc):
    doc.tree(("Sect", ("H",)))
    found = assert_rules(doc, {"7.4.4-2", "7.4.4-3"})
    assert sorted(f.rule for f in found) == ["7.4.4-2", "7.4.4-3", "7.4.4-3"]  # the H; then H1 and H2


# --------------------------------------------------------------------------------------------
# Natural language: 7.2-2, 7.2-21..24, 7.2-29, 7.2-33, 7.2-34, BCP 47


def test_lang_on_structure_instead_of_catalog_passes(doc):
    doc.drop_catalog_lang()
    assert_rules(doc, set())


def test_7_2_34_text_without_lang(doc):
    doc.drop_catalog_lang()
    del doc.elems("H1")[0].Lang
    (failure,) = assert_rules(doc, {"7.2-34"})
    assert failure.where == "page 1"


def test_7_2_34_lang_from_marked_content(doc):
    doc.drop_catalog_lang()
    with_lang = doc.mcid(doc.root_elem("P"))
    without = doc.mcid(doc.root_elem("P"))
    doc.draw(f"/P <</MCID {with_lang} /Lang (de)>> BDC {doc.text()} EMC")
    doc.draw(f"/P <</MCID {without}>> BDC {doc.text()} EMC")
    assert_rules(doc, {"7.2-34"})


def test_7_2_2_outline_without_lang(doc):
    doc.drop_catalog_lang(keep_outlines=True)
    found = assert_rules(doc, {"7.2-2"})
    assert len(found) == 2  # one per outline entry: "Baseline" and "Details"


def test_7_2_33_metadata_lang(doc):
    doc.drop_catalog_lang(keep_xdefault=True)
    assert_rules(doc, {"7.2-33"})


@pytest.mark.parametrize(("rule", "key"), [("7.2-21", "ActualText"), ("7.2-22", "Alt"), ("7.2-23", "E")])
def test_7_2_21_to_23_alternate_text_without_lang(doc, rule, key):
    doc.drop_catalog_lang()
    doc.root_elem("Span", **{key: "text"})
    doc.root_elem("Span", Lang="en", **{key: "text"})
    assert_rules(doc, {rule})


def test_7_2_24_annotation_contents_without_lang(doc):
    doc.drop_catalog_lang()
    elem = doc.root_elem("Link")  # beside Document, so no Lang to inherit
    doc.add_kid(elem, Dictionary(Type=Name.OBJR, Obj=doc.link, Pg=doc.page.obj))
    doc.point_annot(doc.link, elem)
    assert_rules(doc, {"7.2-24"})


def test_7_2_29_lang_syntax(doc):
    doc.elems("P")[0].Lang = String("en_GB")
    (a, _b) = assert_rules(doc, {"7.2-29", "refpub-lang-bcp47"})
    assert "en_GB" in a.message
    assert a.where.startswith("struct /Document[0]/P[0]")


def test_7_2_29_catalog_and_marked_content_lang(doc):
    doc.pdf.Root.Lang = String("english language")
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid} /Lang (ja JP)>> BDC 0 0 m 1 1 l S EMC")
    found = assert_rules(doc, {"7.2-29", "refpub-lang-bcp47"})
    assert sorted(f.where for f in found if f.rule == "7.2-29") == ["catalog", "page 1"]


@pytest.mark.parametrize("tag", ["en-a", "ja-JP-x", "de-1", "en-US-US-US"])
def test_bcp47_stricter_than_rfc3066(doc, tag):
    doc.elems("P")[0].Lang = String(tag)
    assert_rules(doc, {"refpub-lang-bcp47"})


@pytest.mark.parametrize(
    "tag", ["ja", "ja-JP", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1996", "en-US-x-refpub", "i-klingon"]
)
def test_bcp47_valid_tags(doc, tag):
    doc.elems("P")[0].Lang = String(tag)
    assert_rules(doc, set())


# --------------------------------------------------------------------------------------------
# Annotations: 7.18.x


def test_7_18_1_1_annotation_not_in_annot(doc):
    doc.annot("Text", "Span", Contents="A comment")
    doc.annot("Text", None, Contents="Untagged comment")
    found = assert_rules(doc, {"7.18.1-1"})
    assert [f.where for f in found] == ["page 1 annotation 1 (/Text)", "page 1 annotation 2 (/Text)"]


def test_7_18_1_2_annotation_without_description(doc):
    doc.annot("Text", "Annot")
    doc.annot("Text", "Annot", Contents="A comment")
    doc.annot("Text", "Annot")
    doc.elems("Annot")[-1].Alt = String("A described comment")
    assert len(assert_rules(doc, {"7.18.1-2"})) == 1


def test_hidden_and_offpage_annotations_are_exempt(doc):
    doc.annot("Text", None, F=2)
    doc.annot("Text", None, Rect=[-500, -500, -400, -400])
    assert_rules(doc, set())


def test_7_18_2_1_trapnet(doc):
    doc.annot("TrapNet", "Annot", Contents="trap")
    assert_rules(doc, {"7.18.2-1"})


def test_7_18_3_1_tabs(doc):
    del doc.page.obj.Tabs
    assert_rules(doc, {"7.18.3-1"})


@pytest.mark.filterwarnings("ignore::pikepdf.PageCopyWarning")  # widgets without an AcroForm
def test_7_18_4_1_widget_not_in_form(doc):
    doc.annot("Widget", "Span", TU="A field")
    doc.annot("Widget", "Form", TU="A field")
    assert len(assert_rules(doc, {"7.18.4-1"})) == 1


def test_7_18_5_1_link_in_span(doc):
    doc.elems("Link")[0].S = Name.Span
    (failure,) = assert_rules(doc, {"7.18.5-1"})
    assert "in Span" in failure.message


def test_7_18_5_1_link_without_struct_parent(doc):
    del doc.link.StructParent
    (failure,) = assert_rules(doc, {"7.18.5-1"})
    assert "without a StructParent" in failure.message
    assert "OBJR" in failure.message


def test_7_18_5_1_link_element_without_objr(doc):
    link_elem = doc.elems("Link")[0]
    link_elem.K = Array([k for k in link_elem.K if not isinstance(k, Dictionary)])
    (failure,) = assert_rules(doc, {"7.18.5-1"})
    assert "no OBJR" in failure.message


def test_7_18_5_2_link_without_contents(doc):
    del doc.link.Contents
    doc.elems("Link")[0].Alt = String("example")  # so that 7.18.1-2 holds
    assert_rules(doc, {"7.18.5-2"})


def test_7_18_5_2_and_7_18_1_2_link_without_any_description(doc):
    del doc.link.Contents
    assert_rules(doc, {"7.18.5-2", "7.18.1-2"})


def test_7_18_8_1_printer_mark_in_structure(doc):
    doc.annot("PrinterMark", "Annot", Contents="crop marks")
    doc.annot("PrinterMark", None, Contents="crop marks")
    assert len(assert_rules(doc, {"7.18.8-1"})) == 1


# --------------------------------------------------------------------------------------------
# Fonts: 7.21.4.1-1, 7.21.7-1, 7.21.7-2, 7.21.8-1


def test_7_21_4_1_1_font_not_embedded(doc):
    _, font = doc.font(b"<0003> <0020>")
    fd = font.DescendantFonts[0].FontDescriptor
    del fd.FontFile2
    (failure,) = assert_rules(doc, {"7.21.4.1-1"})
    assert str(font.BaseFont)[1:] in failure.where


def test_7_21_4_1_1_unembedded_font_in_rendering_mode_3_is_exempt(doc):
    name = doc.helvetica()
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid}>> BDC q BT 3 Tr {name} 12 Tf (Invisible) Tj ET Q EMC")
    assert_rules(doc, set())
    doc.draw(f"/Artifact BMC BT {name} 12 Tf (Visible) Tj ET EMC")  # Q restored rendering mode 0
    assert_rules(doc, {"7.21.4.1-1"})


def test_7_21_4_1_1_rendering_mode_restored_by_Q(doc):
    name = doc.helvetica()
    doc.draw(f"/Artifact BMC q BT 3 Tr ET Q BT {name} 12 Tf (Visible) Tj ET EMC")
    assert_rules(doc, {"7.21.4.1-1"})


def test_7_21_7_1_no_tounicode(doc):
    _, font = doc.font(b"<0003> <0020>")
    del font.ToUnicode
    assert_rules(doc, {"7.21.7-1"})


def test_7_21_7_1_code_missing_from_tounicode(doc):
    name, _ = doc.font(b"<0003> <0020>")
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid}>> BDC BT {name} 12 Tf <0003 0999> Tj ET EMC")
    (failure,) = assert_rules(doc, {"7.21.7-1"})
    assert "0x0999" in failure.message


def test_7_21_7_1_simple_font_differences_through_the_glyph_list(doc):
    name = doc.helvetica(
        Encoding=Dictionary(
            BaseEncoding=Name.WinAnsiEncoding, Differences=[65, Name.Aring, Name("/uni2022"), Name("/g123")]
        )
    )
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid}>> BDC BT 3 Tr {name} 12 Tf (ABxyz) Tj ET EMC")
    assert_rules(doc, set())  # Aring and uni2022 are in the glyph list; x, y, z come from WinAnsi
    doc.draw(f"/Artifact BMC BT 3 Tr {name} 12 Tf (C) Tj ET EMC")
    (failure,) = assert_rules(doc, {"7.21.7-1"})
    assert "0x43" in failure.message


def test_7_21_7_2_tounicode_to_zero(doc):
    _, font = doc.font(b"<0003> <0020>")
    data = font.ToUnicode.read_bytes().replace(b"<0003> <0020>", b"<0003> <0000>")
    font.ToUnicode.write(data)
    assert_rules(doc, {"7.21.7-2"})


def test_7_21_8_1_notdef_cid(doc):
    name, _ = doc.font(b"<0003> <0020>")
    mcid = doc.tagged("P")
    doc.draw(f"/P <</MCID {mcid}>> BDC BT {name} 12 Tf <0000> Tj ET EMC")
    # CID 0 is also missing from the ToUnicode CMap
    assert_rules(doc, {"7.21.8-1", "7.21.7-1"})


def test_7_21_8_1_notdef_in_differences(doc):
    name = doc.helvetica(Encoding=Dictionary(Differences=[65, Name("/.notdef")]))
    doc.draw(f"/Artifact BMC BT 3 Tr {name} 12 Tf (A) Tj ET EMC")
    assert_rules(doc, {"7.21.8-1", "7.21.7-1"})


# --------------------------------------------------------------------------------------------
# Speed: a long document is checked in well under a second per 100 pages


def test_many_pages_are_checked(good_bytes):
    """A long document is checked whole (speed is the benchmarks' business, not a test's)."""
    import weasyprint

    body = "".join(f"<h2>Part {i}</h2><p>Paragraph {i} " + "word " * 300 + "</p>" for i in range(120))
    html = HTML.replace("<h2>Details</h2>", body)
    data = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    failures = check(data)
    assert failures == [], format_failures(failures)
    assert pages > 50
