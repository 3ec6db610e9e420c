"""The kinds of reading are one table (content/schema.py): every kind has a label and a valid
type in each citation format, and every mapping refpub uses is made from that table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rispy

from refpub.commands.importer import KINDS_FROM_CSL, KINDS_FROM_RIS
from refpub.content import schema
from refpub.export.citations import _CONTAINER_KINDS, BIBLATEX_TYPES, CSL_TYPES, RIS_TYPES
from refpub.views.labels import KIND_LABELS

CSL_SCHEMA = Path(__file__).parent / "data" / "csl" / "csl-data.json"
# The entry types of the biblatex manual (3.20), sections 2.1.1 (regular) and 2.1.3 (non-standard).
BIBLATEX_ENTRY_TYPES = set(
    """article book mvbook inbook bookinbook suppbook booklet collection mvcollection incollection
    suppcollection dataset manual misc online patent periodical suppperiodical proceedings
    mvproceedings inproceedings reference mvreference inreference report set software thesis
    unpublished xdata artwork audio bibnote commentary image jurisdiction legislation legal letter
    movie music performance review standard video""".split()
)
KINDS = schema.READING_KIND_TABLE


def test_the_schema_accepts_exactly_the_kinds_of_the_table():
    readings = {field.name: field for field in schema.READING.fields}
    assert readings["kind"].choices == tuple(kind.id for kind in KINDS)
    assert len(set(schema.READING_KINDS)) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
def test_every_kind_has_a_valid_type_in_each_citation_format(kind):
    csl_types = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))["items"]["properties"]["type"]["enum"]
    assert kind.label, "a kind needs a label (an interface string)"
    assert kind.csl in csl_types, f"{kind.id}: {kind.csl!r} is not a CSL 1.0.2 type"
    assert kind.ris in rispy.TYPE_OF_REFERENCE_MAPPING, f"{kind.id}: {kind.ris!r} is not a RIS type"
    assert kind.biblatex in BIBLATEX_ENTRY_TYPES, f"{kind.id}: {kind.biblatex!r} is not a BibLaTeX entry type"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
def test_every_mapping_is_made_from_the_table(kind):
    assert KIND_LABELS[kind.id] == kind.label
    assert (CSL_TYPES[kind.id], RIS_TYPES[kind.id], BIBLATEX_TYPES[kind.id]) == (kind.csl, kind.ris, kind.biblatex)
    assert (kind.id in _CONTAINER_KINDS) == kind.container
    # refpub import reads back what the citation files write
    assert KINDS_FROM_CSL[kind.csl] == kind.id
    assert KINDS_FROM_RIS[kind.ris] == kind.id


def test_a_kind_without_its_citation_types_cannot_be_declared():
    with pytest.raises(TypeError):
        schema.ReadingKind("podcast", schema.N_("Podcast"))  # type: ignore[call-arg]


def test_the_interchange_guide_shows_the_table():
    guide = (Path(__file__).parent.parent / "docs" / "interchange.md").read_text(encoding="utf-8")
    rows = {
        tuple(cell.strip().strip("`").lstrip("@") for cell in line.strip("|").split("|"))
        for line in guide.splitlines()
        if line.startswith("| `")
    }
    for kind in KINDS:
        assert (kind.id, kind.csl, kind.ris, kind.biblatex) in rows, kind.id
