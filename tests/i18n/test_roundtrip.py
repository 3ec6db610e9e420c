"""The translator's round trip of issue 4, by command line alone."""

from __future__ import annotations

import json
import re

from refpub.i18n.pofile import read_po

CATALOG = "locales/ja/LC_MESSAGES/content.po"
CTX = "reading:first-reading:summary"


def test_translator_round_trip(project, refpub):
    for command in (("i18n", "extract"), ("i18n", "update")):
        result = refpub(project, *command)
        assert result.returncode == 0, result.stderr
    # a translator translates the summary (as Poedit would save it)
    po_path = project / CATALOG
    text = po_path.read_text(encoding="utf-8")
    text = re.sub(
        r'(msgctxt "reading:first-reading:summary"\nmsgid ""\n(?:".*"\n)+)msgstr ""',
        r'\1msgstr "難民認定申請がどのように審査されるか、そして仮放免とは何かを説明する。"',
        text,
    )
    po_path.write_text(text, encoding="utf-8")
    assert refpub(project, "check").returncode == 0

    # an editor changes the English summary
    readings = project / "content" / "readings.yaml"
    readings.write_text(
        readings.read_text(encoding="utf-8").replace(
            "and what provisional release means.", "and what provisional release means in practice."
        ),
        encoding="utf-8",
    )
    for command in (("i18n", "extract"), ("i18n", "update")):
        result = refpub(project, *command)
        assert result.returncode == 0, result.stderr
    message = {m.context: m for m in read_po(po_path).messages}[CTX]
    assert message.fuzzy
    assert message.id.endswith("in practice.")
    result = refpub(project, "i18n", "check")
    assert result.returncode == 0  # a fuzzy translation is work to do, not an error
    fuzzy_line = [line for line in result.stderr.splitlines() if "fuzzy" in line]
    assert len(fuzzy_line) == 1
    assert fuzzy_line[0].startswith(f"{CATALOG}:")
    status = refpub(project, "i18n", "status", "--json")
    content = next(c for c in json.loads(status.stdout)["catalogs"] if c["catalog"] == "content")
    assert content["fuzzy"] == 1

    # the translator fixes it: new text, fuzzy flag and previous msgid removed
    text = po_path.read_text(encoding="utf-8")
    text = re.sub(r"#, fuzzy\n#\| msgid .*\n(?:#\| \".*\"\n)*(msgctxt \"reading:first-reading:summary\")", r"\1", text)
    text = text.replace("仮放免とは何かを説明する。", "仮放免が実際に何を意味するかを説明する。")
    po_path.write_text(text, encoding="utf-8")
    result = refpub(project, "i18n", "check")
    assert result.returncode == 0
    assert "0 error(s), 0 warning(s)" in result.stderr, result.stderr
    result = refpub(project, "check")  # also says what the outputs would print untranslated
    assert result.returncode == 0
    assert all("would print" in line for line in result.stderr.splitlines()[:-1]), result.stderr
    message = {m.context: m for m in read_po(po_path).messages}[CTX]
    assert not message.fuzzy
    assert "実際に" in message.string
