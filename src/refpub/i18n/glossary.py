"""The glossary of a language: key terms and their agreed renderings.

``locales/<lang>/glossary.yaml`` is a list of terms::

    - term: provisional release             # the source-language term
      also: [temporary release]             # other source forms meaning the same (optional)
      translation: 仮放免                    # the agreed rendering
      accept: []                            # other renderings that are also fine (optional)
      note: …                               # for translators (optional)

A term matches whole words, case-insensitively, with a plural ``s``/``es``; a translation of a
string containing it should contain the translation or one of ``accept``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..content.load import read_text
from ..content.project import ProjectPaths
from ..diagnostics import Location, Reporter


@dataclass(frozen=True)
class Term:
    term: str
    translation: str
    also: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    note: str = ""
    line: int = 0

    @property
    def pattern(self) -> re.Pattern:
        forms = sorted({self.term, *self.also}, key=len, reverse=True)
        alternatives = "|".join(re.escape(f).replace(r"\ ", r"[\s-]+") for f in forms)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|es)?(?![\w-])", re.I)

    def renderings(self) -> tuple[str, ...]:
        return (self.translation, *self.accept)


def glossary_path(root: Path, lang: str) -> Path:
    return ProjectPaths.at(root).glossary(lang)


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return ()


def load_glossary(root: Path, lang: str, reporter: Reporter) -> list[Term]:
    path = glossary_path(root, lang)
    if not path.is_file():
        return []
    rel = path.relative_to(root).as_posix()
    text = read_text(path, rel, reporter)
    if text is None:
        return []
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        reporter.error(f"invalid YAML: {exc.problem}", Location(rel, mark.line + 1 if mark else 0))
        return []
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        reporter.error("the glossary must be a list of terms (- term: … translation: …)", Location(rel, 1))
        return []
    terms = []
    for item in node.value:
        line = item.start_mark.line + 1
        data = yaml.safe_load(yaml.serialize(item)) if isinstance(item, yaml.MappingNode) else None
        if not isinstance(data, dict):
            reporter.error("each glossary entry must be a mapping with term and translation", Location(rel, line))
            continue
        term, translation = str(data.get("term") or "").strip(), str(data.get("translation") or "").strip()
        if not term or not translation:
            reporter.error("glossary entry needs both 'term' and 'translation'", Location(rel, line))
            continue
        unknown = set(data) - {"term", "translation", "also", "accept", "note"}
        if unknown:
            reporter.warning(
                f"glossary entry '{term}': unknown field(s) {', '.join(sorted(unknown))}; "
                "known: term, also, translation, accept, note",
                Location(rel, line),
            )
        terms.append(
            Term(
                term,
                translation,
                _strings(data.get("also")),
                _strings(data.get("accept")),
                str(data.get("note") or ""),
                line,
            )
        )
    return terms


def missing_terms(terms: list[Term], source: str, translation: str) -> list[Term]:
    """Terms used in ``source`` whose agreed rendering is not in ``translation``."""
    return [t for t in terms if t.pattern.search(source) and not any(r in translation for r in t.renderings())]
