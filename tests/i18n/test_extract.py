"""Extraction: every translatable field, with its context and line; interface strings; stability."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from refpub.content import schema as S
from refpub.content.load import load_content
from refpub.diagnostics import Reporter
from refpub.i18n.catalogs import content_context
from refpub.i18n.extract import content_template, messages_template, project_content_messages
from refpub.i18n.pofile import read_po
from refpub.i18n.workflow import extract


def _expected(root: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """(context, msgid) -> (file, line), from the loaded model and the schema's translatable fields."""
    content = load_content(root, Reporter())
    pub = content.publication
    expected = {}

    def add(kind, entry, record, file):
        for f in record.fields:
            if not f.translatable:
                continue
            value = getattr(entry, f.name)
            if value:
                loc = entry.locations[f.name]
                expected[(content_context(kind, getattr(entry, "id", None), f.name), value)] = (file, loc.line)

    add("publication", pub, S.PUBLICATION, S.PUBLICATION_FILE)
    for kind, entries, record in (
        ("section", pub.sections, S.SECTION),
        ("topic", pub.topics, S.TOPIC),
        ("handout", pub.handouts, S.HANDOUT),
    ):
        for e in entries:
            add(kind, e, record, S.PUBLICATION_FILE)
    for r in content.readings:
        add("reading", r, S.READING, S.READINGS_FILE)
    for o in content.organisations:
        add("organisation", o, S.ORGANISATION, S.ORGANISATIONS_FILE)
    return expected


def test_every_translatable_field_with_context_and_line(project):
    expected = _expected(project)
    # the fixture has each kind of entry and the optional translatable fields
    assert ("reading:first-reading:note", "A longer version is available.") in expected
    assert ("section:general:description", "Where to start.") in expected
    found = {(m.context, m.msgid): (rel, m.line) for rel, m in project_content_messages(project, Reporter())}
    assert found == expected


def test_content_pot_references_and_comments(project):
    pot = content_template(project, Reporter())
    by_key = {(m.context, m.id): m for m in pot.messages}
    summary = by_key[
        (
            "reading:first-reading:summary",
            "How a refugee status application is examined, and what provisional release means.",
        )
    ]
    assert summary.locations == [("content/readings.yaml", 3)]
    assert any("first-reading" in c for c in summary.auto_comments)
    # the same English word in two places stays two messages, told apart by context
    assert ("section:detention:title", "Detention") in by_key
    assert ("topic:detention:title", "Detention") in by_key
    assert ("reading:second-reading:title", "Detention") in by_key
    name = by_key[("organisation:ushiku-no-kai:name", "Ushiku no Kai")]
    assert any("牛久の会" in c for c in name.auto_comments)


def test_interface_strings_from_project_templates_and_code(project):
    pot = messages_template(project, Reporter())
    by_id = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in pot.messages}
    hello = by_id["Hello, %(name)s"]
    assert ("templates/page.html", 1) in hello.locations
    assert "python-format" in hello.flags
    plural = by_id["%(num)s reading"]
    assert plural.id == ("%(num)s reading", "%(num)s readings")
    heading = by_id["Support organisations"]
    assert "the heading of the organisations list" in heading.auto_comments
    # refpub's own code: the service labels marked with N_()
    assert any(loc[0].endswith("views/labels.py") for loc in by_id["Legal advice"].locations)


def test_extract_is_deterministic(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    extract(project, Reporter())
    first = {p: (project / "locales" / p).read_bytes() for p in ("messages.pot", "content.pot")}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later run on the same input
    written = extract(project, Reporter())
    assert [changed for _, changed in written] == [False, False]
    assert first == {p: (project / "locales" / p).read_bytes() for p in ("messages.pot", "content.pot")}


def test_pybabel_extract_with_mapping_file(project, tmp_path):
    pybabel = Path(sys.executable).with_name("pybabel")
    mapping = tmp_path / "babel.cfg"
    mapping.write_text("[refpub_content: content/**.yaml]\n")
    out = tmp_path / "content.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", str(mapping), "-o", str(out), "."], cwd=project, check=True, capture_output=True
    )
    theirs = {(m.context, m.id) for m in read_po(out).messages}
    ours = {(m.context, m.id) for m in content_template(project, Reporter()).messages}
    assert theirs == ours
