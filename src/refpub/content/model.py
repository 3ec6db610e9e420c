"""The content model: plain, immutable data with the source location of every field. No I/O."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..diagnostics import Location
from .schema import CONTACT_FIELDS

_EMPTY: Mapping = MappingProxyType({})
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a year, a month or a day (``2008``, ``2020-05``, ``2020-05-04``)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ISO 8601 at any of the three precisions; raises ValueError with a reason."""
        m = _DATE_RE.match(text)
        if not m:
            raise ValueError("not in the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(m.group(1))
        month, day = (int(g) if g else None for g in m.groups()[1:])
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")
        if month is not None and day is not None:
            _dt.date(year, month, day)  # raises ValueError("day is out of range for month")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def as_date(self) -> _dt.date:
        """The first day the date could mean (for sorting and age computations)."""
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def isoformat(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True)
class Entry:
    id: str
    # Where each field was written (field name -> location); "" is the entry itself.
    locations: Mapping[str, Location] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)

    def location(self, field_name: str = "") -> Location | None:
        return self.locations.get(field_name) or self.locations.get("")


@dataclass(frozen=True)
class Source:
    """Where a fact of an entry was found: the page, when it was stored, what it supports."""

    url: str = ""
    document: str = ""
    stored: PartialDate | None = None
    gives: tuple[str, ...] = ()
    locations: Mapping[str, Location] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)

    def supports(self, field_name: str) -> bool:
        """Whether this source vouches for ``field_name`` (a source naming no fields, all)."""
        return not self.gives or field_name in self.gives

    def __str__(self) -> str:
        where = self.url or self.document
        return f"{where} (stored {self.stored})" if self.stored else where


class Name(str):
    """An author as shown (the text), with its family and given parts when the content gives them.

    readings.yaml writes a name as one string (``"Naoko Obi"``) or in parts (``{family: Iwasaki,
    given: Atsuko}``); the parts are shown in the order they are written (so a Japanese name in
    Latin script keeps its Japanese order). Being a string, a name prints as itself everywhere.
    """

    family: str
    given: str

    def __new__(cls, text: str, family: str = "", given: str = "") -> Name:
        name = super().__new__(cls, text)
        name.family = family
        name.given = given
        return name

    @classmethod
    def from_parts(cls, family: str, given: str = "", family_first: bool | None = None) -> Name:
        """The name shown family name first if ``family_first`` (by default: in Chinese, Japanese
        or Korean characters), else given name first."""
        if family_first is None:
            family_first = cls.family_first_in(family + given)
        text = " ".join(p for p in ((family, given) if family_first else (given, family)) if p)
        return cls(text, family, given)

    @staticmethod
    def family_first_in(text: str) -> bool:
        """Whether a name in ``text``'s script is written family name first (Chinese, Japanese, Korean)."""
        return bool(re.search(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]", text))

    def __repr__(self) -> str:  # the build's digest of an entry includes the parts
        return f"Name({str(self)!r}, {self.family!r}, {self.given!r})" if self.family else repr(str(self))

    def __reduce__(self):
        return (Name, (str(self), self.family, self.given))


@dataclass(frozen=True)
class OpeningHours:
    """One line of opening hours: the same times on each of ``days`` (``mon`` … ``sun``)."""

    days: tuple[str, ...]
    opens: _dt.time
    closes: _dt.time
    locations: Mapping[str, Location] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)


@dataclass(frozen=True)
class Reading(Entry):
    title: str = ""
    summary: str = ""
    publisher: str = ""
    section: str = ""
    kind: str = "article"
    topics: tuple[str, ...] = ()
    language: str = "en"
    date: PartialDate | None = None
    authors: tuple[Name, ...] = ()
    url: str = ""
    note: str = ""
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Organisation(Entry):
    name: str = ""
    alt_names: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    abbreviation: str = ""
    description: str = ""
    services: tuple[str, ...] = ()
    url: str = ""
    email: str = ""
    phone: str = ""
    # As written in no declared language (a text), or per language ({"ja": …, "en": …}).
    address: str | Mapping[str, str] = ""
    region: str = ""
    languages: tuple[str, ...] = ()
    hours: tuple[OpeningHours, ...] = ()
    hours_note: str = ""
    checked: PartialDate | None = None
    sources: tuple[Source, ...] = ()

    @property
    def contacts(self) -> dict[str, str]:
        """The ways to reach the organisation that the entry gives (url, email, phone, address;
        an address given per language in its first language)."""
        found = {name: getattr(self, name) for name in CONTACT_FIELDS if getattr(self, name)}
        if found.get("address"):
            found["address"] = self.address_in("")[0]
        return found

    def address_in(self, lang: str) -> tuple[str, str | None]:
        """The address to print in ``lang`` and its language: the one given for ``lang``, else
        the first one given; (text, None) for an address written in no declared language."""
        if isinstance(self.address, str):
            return self.address, None
        if lang in self.address:
            return self.address[lang], lang
        first = next(iter(self.address), None)
        return (self.address[first], first) if first else ("", None)

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address text the entry gives (one, or one per language)."""
        if isinstance(self.address, str):
            return (self.address,) if self.address else ()
        return tuple(self.address.values())


@dataclass(frozen=True)
class Section(Entry):
    title: str = ""
    description: str = ""


@dataclass(frozen=True)
class Topic(Entry):
    title: str = ""


@dataclass(frozen=True)
class OrganisationSelection:
    ids: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    region: str = ""
    locations: Mapping[str, Location] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)

    @property
    def is_empty(self) -> bool:
        return not (self.ids or self.services or self.region)


@dataclass(frozen=True)
class ReadingSelection:
    ids: tuple[str, ...] = ()
    section: str = ""
    topics: tuple[str, ...] = ()
    newest: int | None = None
    locations: Mapping[str, Location] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)

    @property
    def is_empty(self) -> bool:
        return not (self.ids or self.section or self.topics or self.newest)


@dataclass(frozen=True)
class Handout(Entry):
    title: str = ""
    languages: tuple[str, ...] = ()
    paper: str = ""
    pages: int = 1
    two_up: bool = False
    organisations: OrganisationSelection = field(default_factory=OrganisationSelection)
    readings: ReadingSelection = field(default_factory=ReadingSelection)


@dataclass(frozen=True)
class Publication:
    title: str
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    subtitle: str = ""
    source_language: str = "en"
    edition: PartialDate | None = None
    publisher: str = ""
    latest_url: str = ""
    paper: str = "A4"
    stale_after_months: int = 12
    vertical_epub: bool = False
    embed_fonts_in_epub: bool = False
    catalog_references: str = "file"
    topics: tuple[Topic, ...] = ()
    handouts: tuple[Handout, ...] = ()
    furigana: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    # content/furigana.yaml, the reading dictionary: {surface: reading in kana}, for words the
    # analyser reads wrong. A publication setting, so editing it rebuilds the outputs (manifest).
    furigana_words: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    locations: Mapping[str, Location] = field(default_factory=lambda: _EMPTY, compare=False, repr=False)

    def furigana_level(self, lang: str) -> str:
        """How much ruby ``lang`` gets (schema.FURIGANA_LEVELS): its setting, else all for
        Easy Japanese (ja-x-easy) and none for any other language."""
        return self.furigana.get(lang, "all" if lang == "ja-x-easy" else "none")

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


@dataclass(frozen=True)
class Content:
    """Everything under ``content/``, loaded and checked."""

    publication: Publication
    readings: tuple[Reading, ...]
    organisations: tuple[Organisation, ...]

    def readings_in(self, section_id: str) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.section == section_id)

    def reading(self, reading_id: str) -> Reading | None:
        return next((r for r in self.readings if r.id == reading_id), None)

    def organisation(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)
