"""check: catalog errors with file and line; warnings for fuzzy, glossary and own names."""

from __future__ import annotations

from pathlib import Path

import pytest

from refpub.diagnostics import Reporter
from refpub.i18n.catalogs import catalog_path
from refpub.i18n.checks import format_problem, html_problem, url_problems
from refpub.i18n.pofile import read_po, write_po
from refpub.i18n.workflow import check, extract, update


@pytest.fixture
def catalogs(project):
    reporter = Reporter()
    extract(project, reporter)
    update(project, reporter)
    assert not reporter.has_errors
    return project


def _set(root: Path, domain: str, key: str, string, plural: bool = False) -> int:
    """Set a translation; returns the line of its msgstr in the written file."""
    path = catalog_path(root, "ja", domain)
    po = read_po(path)
    for m in po.messages:
        msgid = m.id[0] if isinstance(m.id, (list, tuple)) else m.id
        if key in (m.context, msgid):
            m.string = string
    write_po(path, po)
    po = read_po(path)
    m = next(m for m in po.messages if key in (m.context, m.id[0] if isinstance(m.id, tuple) else m.id))
    return po.msgstr_line(m)


def _check(root: Path) -> Reporter:
    reporter = Reporter()
    check(root, reporter)
    return reporter


def test_placeholder_mismatch_is_an_error_with_its_line(catalogs, refpub):
    line = _set(catalogs, "messages", "Hello, %(name)s", "こんにちは、%(nme)sさん")
    reporter = _check(catalogs)
    errors = [d for d in reporter.errors if "placeholder" in d.message]
    assert len(errors) == 1
    assert str(errors[0].location) == f"locales/ja/LC_MESSAGES/messages.po:{line}"
    assert "%(name)" in errors[0].message
    assert "%(nme)" in errors[0].message

    result = refpub(catalogs, "i18n", "check")
    assert result.returncode == 1
    assert f"locales/ja/LC_MESSAGES/messages.po:{line}: error: placeholder mismatch" in result.stderr
    # and `refpub check` includes the catalog checks
    result = refpub(catalogs, "check")
    assert result.returncode == 1
    assert f"messages.po:{line}: error: placeholder mismatch" in result.stderr


def test_correct_catalog_is_clean(catalogs):
    _set(catalogs, "messages", "Hello, %(name)s", "こんにちは、%(name)sさん")
    _set(catalogs, "messages", "%(num)s reading", ("%(num)s件の文献",), plural=True)
    reporter = _check(catalogs)
    assert reporter.errors == []
    assert reporter.warnings == []


def test_wrong_number_of_plural_forms(catalogs):
    path = catalog_path(catalogs, "ja", "messages")
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'msgid_plural "%(num)s readings"\nmsgstr[0] ""',
        'msgid_plural "%(num)s readings"\nmsgstr[0] "%(num)s件"\nmsgstr[1] "%(num)s件"',
    )
    path.write_text(text, encoding="utf-8")
    messages = [d.message for d in _check(catalogs).errors]
    assert any("plural" in m for m in messages), messages


def test_a_plural_rule_that_divides_by_zero_is_an_error_not_a_crash(catalogs, refpub):
    path = catalog_path(catalogs, "ja", "messages")
    text = path.read_text(encoding="utf-8")
    assert "plural=0;" in text
    path.write_text(text.replace("plural=0;", "plural=n/0;", 1), encoding="utf-8")
    errors = [d for d in _check(catalogs).errors if "Plural-Forms" in d.message]
    assert len(errors) == 1, [str(d) for d in errors]
    assert "n=0" in errors[0].message, [str(d) for d in errors]
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Plural-Forms" in text)
    assert str(errors[0].location) == f"locales/ja/LC_MESSAGES/messages.po:{line}"  # the header's own line
    result = refpub(catalogs, "i18n", "check")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_syntax_error_with_line(catalogs):
    path = catalog_path(catalogs, "ja", "content")
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 20)
    lines[bad] = 'msgstr "unterminated'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _check(catalogs).errors
    assert any(d.location.file == "locales/ja/LC_MESSAGES/content.po" and d.location.line == bad + 1 for d in errors), [
        str(d) for d in errors
    ]


def test_fuzzy_and_glossary_are_warnings(catalogs):
    _set(catalogs, "content", "reading:first-reading:title", "日本における難民申請")  # not 難民認定申請
    line = _set(catalogs, "content", "reading:second-reading:summary", "入管収容施設での生活。")
    reporter = _check(catalogs)
    assert reporter.errors == []
    glossary = [d for d in reporter.warnings if "glossary" in d.message]
    assert len(glossary) == 1
    assert "難民認定申請" in glossary[0].message
    assert all(d.location.line != line for d in glossary)


def test_own_name_differs(catalogs):
    _set(catalogs, "content", "organisation:ushiku-no-kai:name", "牛久会")
    warnings = [d.message for d in _check(catalogs).warnings]
    assert any("牛久の会" in w for w in warnings)


@pytest.mark.parametrize(
    ("source", "translation", "ok"),
    [
        ("{count} readings", "{count}件", True),
        ("{count} readings", "{cnt}件", False),
        ("%s and %d", "%s と %d", True),
        ("%s and %d", "%d と %s", False),
        ("less than 1% of them", "1%未満", True),
        ("100%% sure", "100%%確実", True),
        # a per cent sign that the source does not have must be written %%: % formatting refuses it
        ("Edition of %(date)s", "طبعة 100% %(date)s", False),
        ("Edition of %(date)s", "طبعة 100%% %(date)s", True),
    ],
)
def test_placeholders(source, translation, ok):
    assert (format_problem(source, translation) is None) is ok


def test_html_and_links():
    assert html_problem("See <a href='x'>this</a>", "<a href='x'>これ</a>を参照") is None
    assert "<em>" in html_problem("<em>new</em>", "<em>新しい")  # names the element left open
    assert html_problem("plain", "<script>alert(1)</script>")
    errors, _ = url_problems("see https://example.org/a", "https://example.org/a を参照")
    assert errors == []
    errors, _ = url_problems("see https://example.org/a", "https://evil.example/a を参照")
    assert errors
    assert "differs" in errors[0]
    errors, _ = url_problems("see the site", "javascript:alert(1)")
    assert errors
    assert "unsafe" in errors[0]
