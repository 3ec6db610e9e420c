"""The schema of every content file, declared once.

The loader (`content/load.py`) checks each value against these declarations, the i18n extractor
(`i18n/extract.py`) takes the fields marked ``translatable`` from here, and the editors' guide
documents the same names. Nothing else in refpub spells out which fields an entry has.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of value a field may hold. The loader knows how to read and check each.
TEXT = "text"  # non-empty single string
OPTIONAL_TEXT = "optional-text"  # string that may be empty
SLUG = "slug"  # a-z, 0-9 and hyphens
LANG = "lang"  # a language code (en, ja, pt-BR)
DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD
FULL_DATE = "full-date"  # YYYY-MM-DD only
URL = "url"  # http, https or mailto
EMAIL = "email"
PHONE = "phone"
TIME = "time"  # HH:MM, 24 hours
INT = "int"
BOOL = "bool"
CHOICE = "choice"  # one of ``choices``
TEXT_LIST = "text-list"
NAME_LIST = "name-list"  # people: "Given Family" text, or {family: …, given: …}
SLUG_LIST = "slug-list"
LANG_LIST = "lang-list"
CHOICE_LIST = "choice-list"
LANG_MAP = "lang-map"  # {lang: text}
TEXT_OR_LANG_MAP = "text-or-lang-map"  # a text in no declared language, or {lang: text}
RECORD = "record"  # a nested mapping with its own schema
RECORD_LIST = "record-list"

# The fixed vocabularies of the content model. Labels for display live in the templates'
# message catalog (see views/labels.py), so translators see them like any other UI string.
SERVICES = (
    "legal",
    "shelter",
    "medical",
    "language",
    "detention-visits",
    "advocacy",
    "research",
    "education",
    "employment",
    "counselling",
    "financial",
    "food-clothing",
    "community",
    "information",
    "resettlement",
    "self-help",
)


def N_(message: str) -> str:
    """Mark an interface string for extraction; it is translated when a page is rendered."""
    return message


@dataclass(frozen=True)
class ReadingKind:
    """A kind of reading (the ``kind`` of readings.yaml): its label and its types in the citation
    formats refpub writes (export/citations.py) and reads (``refpub import``)."""

    id: str
    label: str  # an interface string, printed before the reading's publisher and date
    csl: str  # CSL 1.0.2 type
    ris: str  # RIS reference type
    biblatex: str  # BibLaTeX entry type (biblatex manual, section 2.1)
    container: bool = False  # its `publisher` is the periodical or site it appeared in (CSL container-title)


# The one table of reading kinds: labels, citation types and reverse maps are made from it.
READING_KIND_TABLE = (
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("article", N_("Article"), "article-newspaper", "NEWS", "article", container=True),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("report", N_("Report"), "report", "RPRT", "report"),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("video", N_("Video"), "motion_picture", "VIDEO", "video"),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("audio", N_("Audio"), "broadcast", "SOUND", "audio"),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("book", N_("Book"), "book", "BOOK", "book"),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("blog", N_("Blog post"), "post-weblog", "BLOG", "online", container=True),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("journal-article", N_("Journal article"), "article-journal", "JOUR", "article", container=True),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("data", N_("Data"), "dataset", "DATA", "dataset"),
    # Translators: the kind of a reading, printed before its publisher and date
    ReadingKind("website", N_("Website"), "webpage", "ELEC", "online", container=True),
)
READING_KINDS = tuple(kind.id for kind in READING_KIND_TABLE)
CONTAINER_KINDS = frozenset(kind.id for kind in READING_KIND_TABLE if kind.container)
PAPER_SIZES = ("A4", "A5", "Letter")
# Days of the week as opening hours name them (the keys of OpenStreetMap's opening_hours,
# HSDS schedule's byday in lower case), Monday first.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    translatable: bool = False
    record: Record | None = None  # for RECORD and RECORD_LIST
    default: object = None
    min_items: int = 0  # for lists

    @property
    def nested(self) -> Record:
        """The record of a RECORD or RECORD_LIST field (a schema mistake for any other kind)."""
        if self.record is None:
            raise TypeError(f"field '{self.name}' ({self.kind}) has no record")
        return self.record


@dataclass(frozen=True)
class Record:
    """A mapping with named fields (an entry, or a nested part of the settings)."""

    name: str  # what an editor calls it: "reading", "organisation", "handout"
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# Where a fact in an entry comes from (a contact, a link): the page it was taken from, when that
# page was stored (if known), and which fields it supports. Never printed; `refpub check -v`
# and `refpub check --format json` list them so a volunteer can verify each contact.
CONTACT_FIELDS = ("url", "email", "phone", "address")
# Every fact of an organisation that must come from a source: its contacts, the languages it
# serves and its opening hours.
SOURCED_FIELDS = (*CONTACT_FIELDS, "languages", "hours")
SOURCE = Record(
    "source",
    (
        Field("url", URL),  # the page the fact was read on
        Field("document", OPTIONAL_TEXT),  # or the document, when it is not a web page
        Field("stored", FULL_DATE),
        Field("gives", CHOICE_LIST, choices=SOURCED_FIELDS),
    ),
)

# One line of opening hours: the days and the times, like a row of HSDS's `schedule`.
OPENING = Record(
    "opening hours",
    (
        Field("days", CHOICE_LIST, required=True, choices=WEEKDAYS, min_items=1),
        Field("opens", TIME, required=True),
        Field("closes", TIME, required=True),
    ),
)

READING = Record(
    "reading",
    (
        Field("id", SLUG, required=True),
        Field("title", TEXT, required=True, translatable=True),
        Field("summary", TEXT, required=True, translatable=True),
        Field("publisher", OPTIONAL_TEXT),
        Field("section", SLUG, required=True),
        Field("kind", CHOICE, required=True, choices=READING_KINDS),
        Field("topics", SLUG_LIST, required=True),
        Field("language", LANG, required=True),
        Field("date", DATE),
        Field("authors", NAME_LIST),
        Field("url", URL),
        Field("sources", RECORD_LIST, record=SOURCE),
        Field("note", OPTIONAL_TEXT, translatable=True),
    ),
)

ORGANISATION = Record(
    "organisation",
    (
        Field("id", SLUG, required=True),
        Field("name", TEXT, required=True, translatable=True),
        Field("alt_names", LANG_MAP),
        Field("abbreviation", OPTIONAL_TEXT),
        Field("description", TEXT, required=True, translatable=True),
        Field("services", CHOICE_LIST, required=True, choices=SERVICES, min_items=1),
        Field("url", URL),
        Field("email", EMAIL),
        Field("phone", PHONE),
        Field("address", TEXT_OR_LANG_MAP),
        Field("region", OPTIONAL_TEXT, translatable=True),
        Field("languages", LANG_LIST),
        Field("hours", RECORD_LIST, record=OPENING),
        Field("hours_note", OPTIONAL_TEXT, translatable=True),
        Field("checked", FULL_DATE),
        Field("sources", RECORD_LIST, record=SOURCE),
    ),
)

SECTION = Record(
    "section",
    (
        Field("id", SLUG, required=True),
        Field("title", TEXT, required=True, translatable=True),
        Field("description", OPTIONAL_TEXT, translatable=True),
    ),
)

TOPIC = Record(
    "topic",
    (
        Field("id", SLUG, required=True),
        Field("title", TEXT, required=True, translatable=True),
    ),
)

ORGANISATION_SELECTION = Record(
    "organisation selection",
    (
        Field("ids", SLUG_LIST),
        Field("services", CHOICE_LIST, choices=SERVICES),
        Field("region", OPTIONAL_TEXT),
    ),
)

READING_SELECTION = Record(
    "reading selection",
    (
        Field("ids", SLUG_LIST),
        Field("section", SLUG),
        Field("topics", SLUG_LIST),
        Field("newest", INT),
    ),
)

HANDOUT = Record(
    "handout",
    (
        Field("id", SLUG, required=True),
        Field("title", TEXT, required=True, translatable=True),
        Field("languages", LANG_LIST),
        Field("paper", CHOICE, choices=PAPER_SIZES),
        Field("pages", INT, default=1),
        Field("two_up", BOOL, default=False),
        Field("organisations", RECORD, record=ORGANISATION_SELECTION),
        Field("readings", RECORD, record=READING_SELECTION),
    ),
)

# How catalogs point translators at a string's source ("#:" lines): "file:line" (full), the file
# only (file: adding an entry does not rewrite every line number below it), or not at all.
CATALOG_REFERENCES = ("full", "file", "none")

PUBLICATION = Record(
    "publication",
    (
        Field("title", TEXT, required=True, translatable=True),
        Field("subtitle", OPTIONAL_TEXT, translatable=True),
        Field("source_language", LANG, default="en"),
        Field("languages", LANG_LIST, required=True),
        Field("edition", FULL_DATE),
        Field("publisher", OPTIONAL_TEXT),
        Field("latest_url", URL),
        Field("paper", CHOICE, choices=PAPER_SIZES, default="A4"),
        Field("stale_after_months", INT, default=12),
        Field("vertical_epub", BOOL, default=False),
        Field("embed_fonts_in_epub", BOOL, default=False),
        Field("catalog_references", CHOICE, choices=CATALOG_REFERENCES, default="file"),
        # Ruby over kanji per language ({ja-x-easy: all, ja: grade-3}); see FURIGANA_LEVELS.
        Field("furigana", LANG_MAP),
        Field("sections", RECORD_LIST, required=True, record=SECTION),
        Field("topics", RECORD_LIST, record=TOPIC),
        Field("handouts", RECORD_LIST, record=HANDOUT),
    ),
)

# How much ruby a Japanese language gets: over every kanji, none, or over the kanji beyond a
# school grade (学年別漢字配当表) or beyond the joyo list (views/furigana.py).
FURIGANA_LEVELS = ("all", "none", "grade-1", "grade-2", "grade-3", "grade-4", "grade-5", "grade-6", "joyo")

# The content files of a project, in the order they are loaded (the rest of a project's layout is
# content/project.py's).
CONTENT_FOLDER = "content"
PUBLICATION_FILE = f"{CONTENT_FOLDER}/publication.yaml"
READINGS_FILE = f"{CONTENT_FOLDER}/readings.yaml"
ORGANISATIONS_FILE = f"{CONTENT_FOLDER}/organisations.yaml"
# The project's reading dictionary, {surface: reading}, for words the analyser reads wrong (optional).
FURIGANA_FILE = f"{CONTENT_FOLDER}/furigana.yaml"
ENTRY_FILES = {READINGS_FILE: READING, ORGANISATIONS_FILE: ORGANISATION}

# Bounds on input, so a hostile or broken file fails clearly instead of exhausting the machine.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 50_000
MAX_TEXT_CHARS = 100_000
