"""Catalogs are translators' work (issue 21): one strict reader, so a damaged catalog is a
located error everywhere and is never rewritten, and no translation is ever read differently."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refpub.i18n.pofile import PoFile, parse_po, render_po

from .conftest import run_refpub
from support import REPO, ROOTS, require_tool, run_cli

TITLE = 'msgstr "日本の閉ざされた難民政策"'

# The seven kinds of damage GNU msgfmt rejects, each made to the repository's Japanese catalog.
CORRUPTIONS = {
    "closing quote missing": lambda s: s.replace(TITLE, 'msgstr "日本の閉ざされた難民政策'),
    "opening quote missing": lambda s: s.replace(TITLE, 'msgstr 日本の閉ざされた難民政策"'),
    "inner quotes unescaped": lambda s: s.replace(TITLE, 'msgstr "日本の"閉ざされた"難民政策"'),
    "text after the closing quote": lambda s: s.replace(TITLE, 'msgstr "日本の閉ざされた難民政策" 以上'),
    "invalid escape": lambda s: s.replace(TITLE, 'msgstr "日本の\\閉ざされた難民政策"'),
    "keyword misspelt": lambda s: s.replace(TITLE, 'msgsrt "日本の閉ざされた難民政策"'),
    "msgstr missing": lambda s: s.replace(TITLE + "\n", ""),
}


@pytest.fixture
def repository_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("content", "locales", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _catalog(root: Path) -> Path:
    return root / "locales/ja/LC_MESSAGES/content.po"


def _title_line(text: str) -> int:
    return text[: text.index(TITLE)].count("\n") + 1


@pytest.mark.slow
@pytest.mark.tools
@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_damaged_catalog_is_never_rewritten(repository_copy, kind):
    path = _catalog(repository_copy)
    original = path.read_text(encoding="utf-8")
    damaged = CORRUPTIONS[kind](original)
    assert damaged != original
    path.write_text(damaged, encoding="utf-8")
    before = path.read_bytes()
    msgfmt = require_tool("msgfmt", "GNU gettext")  # the damage is real: GNU gettext rejects it too
    assert subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True).returncode != 0

    update = run_refpub(repository_copy, "i18n", "update")
    assert update.returncode == 1, update.stderr
    assert path.read_bytes() == before  # byte-identical: nothing cut short, nothing "repaired"
    line = _title_line(original)
    located = re.findall(r"^locales/ja/LC_MESSAGES/content\.po:(\d+): error: ", update.stderr, re.M)
    # at the damaged line, or for a missing msgstr at the start of its entry
    assert located, update.stderr
    assert all(-8 <= int(n) - line <= 3 for n in located), update.stderr

    # check and build say so too, with or without msgfmt, and publish nothing from it.
    check = run_refpub(repository_copy, "check")
    assert check.returncode == 1
    assert "content.po:" in check.stderr
    assert run_refpub(repository_copy, "build", "--only", "reader", "--lang", "ja").returncode == 1


@pytest.mark.slow
def test_damage_is_reported_without_msgfmt(repository_copy):
    path = _catalog(repository_copy)
    path.write_text(CORRUPTIONS["closing quote missing"](path.read_text(encoding="utf-8")), encoding="utf-8")
    env_check = run_refpub_without_msgfmt(repository_copy, "check")
    assert env_check.returncode == 1
    assert "no closing double quote" in env_check.stderr


def run_refpub_without_msgfmt(root: Path, *args: str) -> subprocess.CompletedProcess:
    bare = root.parent / "bin"
    bare.mkdir(exist_ok=True)
    return run_cli(*args, cwd=root, env={"PATH": str(bare)})  # no msgfmt, no other tool either


@pytest.mark.slow
def test_a_byte_order_mark_is_accepted(repository_copy):
    path = _catalog(repository_copy)
    text = path.read_bytes()
    plain, marked = parse_po(text), parse_po(b"\xef\xbb\xbf" + text)
    assert not marked.problems
    assert render_po(marked) == render_po(plain)


# ----------------------------------------------------------------------------- properties

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@st.composite
def catalogs(draw) -> PoFile:
    po = PoFile(
        header=[("Content-Type", "text/plain; charset=UTF-8"), ("Plural-Forms", "nplurals=2; plural=(n != 1);")]
    )
    keys = set()
    for _ in range(draw(st.integers(1, 5))):
        context = draw(st.one_of(st.none(), _text))
        msgid = draw(_text.filter(bool))
        if (context, msgid) in keys:
            continue
        keys.add((context, msgid))
        if draw(st.booleans()):
            message = Message((msgid, msgid + "s"), (draw(_text), draw(_text)), context=context)
        else:
            message = Message(msgid, draw(_text), context=context)
        if draw(st.booleans()):
            message.flags.add("fuzzy")
        po.messages.append(message)
    return po


def _translations(po: PoFile) -> dict:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): (m.string, m.fuzzy) for m in po.messages}


def _corruptions(text: str) -> list[str]:
    """Every single-character corruption of the file's syntax: a quote or line break deleted,
    a quote inserted or doubled, a letter of a keyword or flag line dropped."""
    out = []
    for i, c in enumerate(text):
        line_start = text.rfind("\n", 0, i) + 1
        at_keyword = text[line_start : i + 1].isalpha() or text[line_start : line_start + 2] == "#,"
        if c in '"\n' or (at_keyword and c not in " \n"):
            out.append(text[:i] + text[i + 1 :])
        if c == '"':
            out.append(text[:i] + '""' + text[i + 1 :])
        if text[i - 1 : i] != "\\":  # after a backslash, a quote is an escaped quote: valid text
            out.append(text[:i] + '"' + text[i:])
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.data())
def test_a_single_character_corruption_is_exact_or_an_error(po, data):
    text = render_po(po)
    original = _translations(parse_po(text.encode("utf-8")))
    assert original == _translations(po)  # the writer and the reader agree
    damaged = data.draw(st.sampled_from(_corruptions(text)))
    read = parse_po(damaged.encode("utf-8"))
    # Either an error (and then no command rewrites or publishes the file), or exactly the
    # same translations: never a translation cut short, merged, or silently un-fuzzied.
    assert read.problems or _translations(read) == original, damaged


ARABIC = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ar\\n"
"Plural-Forms: {forms}\\n"

msgid "%(count)s reading"
msgid_plural "%(count)s readings"
{strings}
"""


def _arabic(strings: list[str]) -> PoFile:
    from babel.messages.plurals import get_plural

    body = "\n".join(f'msgstr[{i}] "{s}"' for i, s in enumerate(strings))
    return parse_po(ARABIC.format(forms=get_plural("ar").plural_forms, strings=body).encode("utf-8"))


def test_plural_forms_are_complete_as_msgfmt_requires():
    from refpub.diagnostics import Reporter
    from refpub.i18n.checks import check_po

    short = Reporter()
    check_po(_arabic(["a", "b", "c"]), "ar.po", "ar", "messages", short)
    assert any("3 plural form(s) given, the header says nplurals=6" in d.message for d in short.errors)

    partial = Reporter()
    check_po(_arabic(["a", "b", "c", "", "", ""]), "ar.po", "ar", "messages", partial)
    assert not partial.errors
    assert any("msgstr[3], msgstr[4], msgstr[5] empty" in d.message for d in partial.warnings)


# ------------------------------------------------------------------ --strict: ready to print


def _empty_translation(po: Path, msgid: str) -> int:
    """Empty the translation of ``msgid`` in ``po``; the line of its msgstr."""
    lines = po.read_text(encoding="utf-8").split("\n")
    at = lines.index(f'msgid "{msgid}"') + 1
    assert lines[at].startswith("msgstr ")
    lines[at] = 'msgstr ""'
    po.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def test_strict_check_passes_a_handout_translated_in_full(tmp_path):
    root = tmp_path / "handout-ja-my"
    shutil.copytree(ROOTS / "handout-ja-my", root)
    result = run_refpub(root, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert "would print" not in result.stderr


def test_strict_check_fails_a_handout_whose_burmese_is_incomplete(tmp_path):
    """An untranslated string a printed output would show: a warning from `refpub check`, one
    line per output and language, with the count and the first one's place; an error with
    --strict. An interface string the project leaves untranslated but refpub translates itself
    (refpub/locale/) is not one of them."""
    from refpub.i18n.catalogs import read_messages, shipped_catalog_path

    shipped = read_messages(shipped_catalog_path("my"), "my")
    assert (None, "Who can help") in shipped
    assert (None, ": ") not in shipped
    root = tmp_path / "handout-ja-my"
    shutil.copytree(ROOTS / "handout-ja-my", root)
    content = root / "locales/my/LC_MESSAGES/content.po"
    description = _empty_translation(content, "Medical care without insurance, with interpreters.")
    _empty_translation(root / "locales/my/LC_MESSAGES/messages.po", "Who can help")  # the handout's heading: refpub's
    _empty_translation(root / "locales/my/LC_MESSAGES/messages.po", ": ")  # in the handbook and reader: nobody's

    check = run_refpub(root, "check")
    assert check.returncode == 0, check.stderr  # a warning: fine while translating
    lines = [line for line in check.stderr.splitlines() if "would print" in line]
    outputs = [line.split(": warning: ")[1].split(" would print")[0] for line in lines]
    assert sorted(outputs) == ["handbook-my.pdf", "handout-cafe.pdf", "reader-my.epub"]
    # The first at the description's msgstr, where to translate it.
    assert all(line.startswith(f"locales/my/LC_MESSAGES/content.po:{description}: warning: ") for line in lines)
    counts = {output: line.split(" would print ")[1].split(" string(s)")[0] for output, line in zip(outputs, lines)}
    assert counts == {"handout-cafe.pdf": "1", "handbook-my.pdf": "2", "reader-my.epub": "2"}
    assert "in English, not yet translated into Burmese" in lines[0]
    assert all("Japanese" not in line for line in lines)  # the Japanese column is complete

    strict = run_refpub(root, "check", "--strict")
    assert strict.returncode == 1
    errors = [line for line in strict.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 3, strict.stderr
    assert all("would print" in line for line in errors), strict.stderr
