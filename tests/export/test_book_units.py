"""How the handbook's body is divided into parts (pdf/book.py), without laying anything out:
an organisation's entry is longer than a reading's, so its parts hold fewer entries."""

from __future__ import annotations

from pathlib import Path

from refpub.export.handbook import ORGANISATION_WEIGHT, PART_BUDGET
from refpub.pdf.book import BookRenderer, Chapter


def _renderer(budget: int) -> BookRenderer:
    return BookRenderer(
        render_part=lambda part: "",
        render_furniture=lambda runnings: "",
        resource_roots=[],
        base_dir=Path(),
        budget=budget,
    )


def _chapter(name: str, count: int, weight: float = 1.0) -> Chapter:
    return Chapter(name, name, name, [object() for _ in range(count)], weight=weight)


def test_chapters_share_a_part_by_weight():
    renderer = _renderer(50)
    short = [_chapter("a", 20), _chapter("b", 20), _chapter("c", 20, weight=1.5)]
    # 20 + 20 fit in 50; 20 organisations weigh 30 and start the next part
    assert [[c.anchor for c in unit] for unit in renderer._units(short)] == [["a", "b"], ["c"]]


def test_a_long_chapter_is_cut_by_weight():
    renderer = _renderer(PART_BUDGET)
    readings, organisations = _chapter("r", 120), _chapter("o", 120, weight=ORGANISATION_WEIGHT)
    assert renderer._step(readings) == PART_BUDGET
    assert renderer._step(organisations) == round(PART_BUDGET / ORGANISATION_WEIGHT) < PART_BUDGET
    assert renderer._units([readings, organisations]) == [[readings], [organisations]]
    assert _renderer(1)._step(organisations) == 1  # never an empty part
