"""Schema, model and views agree on the fields of an entry (docs/developers.md, "Add a field").

A field declared in the schema (content/schema.py) but missing from the model would be read and
dropped; one in the model but not in the schema could never be written; one the views do not
carry is never printed. Each field must be in all three, or be named below with the reason it
is not shown, so that adding a field without its view fails here.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from refpub.content import model, schema
from refpub.views import context
from refpub.views.context import Text

# Fields a reader never sees as such, and why.
NOT_SHOWN = {
    "reading": {
        "sources": "where a fact was found: listed by `refpub check -v`, never printed",
    },
    "organisation": {
        "sources": "where a fact was found: listed by `refpub check -v`, never printed",
        "alt_names": "shown as the view's other_names (the names in the page's other languages)",
    },
}
# The model's own bookkeeping, which is no field of the content.
MODEL_ONLY = {"locations"}

ENTRIES = [
    pytest.param(schema.READING, model.Reading, context.ReadingView, id="reading"),
    pytest.param(schema.ORGANISATION, model.Organisation, context.OrganisationView, id="organisation"),
]


def _fields(cls) -> dict[str, object]:
    hints = typing.get_type_hints(cls, vars(context) | vars(model))
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


@pytest.mark.parametrize(("record", "entry", "view"), ENTRIES)
def test_schema_and_model_have_the_same_fields(record, entry, view):
    declared, held = set(record.names), set(_fields(entry)) - MODEL_ONLY
    assert declared == held, f"only in the schema: {declared - held}; only in the model: {held - declared}"


@pytest.mark.parametrize(("record", "entry", "view"), ENTRIES)
def test_every_field_is_in_the_view_or_says_why_not(record, entry, view):
    shown = set(_fields(view))
    not_shown = NOT_SHOWN[record.name]
    missing = [name for name in record.names if name not in shown and name not in not_shown]
    assert not missing, f"{record.name} fields the views do not carry: {missing} (add them, or to NOT_SHOWN)"
    stale = [name for name in not_shown if name in shown or name not in record.names]
    assert not stale, f"NOT_SHOWN names fields that are shown or gone: {stale}"


@pytest.mark.parametrize(("record", "entry", "view"), ENTRIES)
def test_a_translatable_field_is_text_with_its_language_in_the_view(record, entry, view):
    """A translated field carries its language (and whether it fell back) to every output."""
    fields = _fields(view)
    for f in record.fields:
        if f.translatable and f.name in fields:
            assert fields[f.name] is Text, f"{record.name}.{f.name} is {fields[f.name]} in the view, not Text"
