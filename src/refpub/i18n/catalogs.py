"""Per-locale translations for the interface (messages.po) and the content (content.po).

The build reads the ``.po`` files directly with Babel (no compiled ``.mo`` is needed, so a
translator's edit shows in the next build). Fuzzy and empty translations are not used: the
source text is shown instead, marked as a fallback, and counted.

Interface strings come in two layers, as in Sphinx and MkDocs: refpub's own translation
(``refpub/locale/<lang>/LC_MESSAGES/messages.po``, shipped with the package) and the project's
``locales/<lang>/LC_MESSAGES/messages.po``, which overrides it message by message. A message the
project has not translated (missing, empty or fuzzy) takes refpub's translation; one neither
translates falls back to the source text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from gettext import c2py
from pathlib import Path

from babel import UnknownLocaleError
from babel.messages.plurals import get_plural

from ..content.project import CATALOG_FOLDER, ProjectPaths
from ..content.text import Text
from .names import cldr_code

MESSAGES_DOMAIN = "messages"
CONTENT_DOMAIN = "content"


def catalog_path(root: Path, lang: str, domain: str) -> Path:
    return ProjectPaths.at(root).catalog(lang, domain)


def shipped_catalog_path(lang: str) -> Path:
    """refpub's own translation of its interface into ``lang`` (``refpub/locale/<lang>/LC_MESSAGES/
    messages.po``, shipped with the package; it may not exist): a new project's messages.po starts
    from it."""
    from importlib.resources import files

    return Path(str(files("refpub"))) / "locale" / lang / CATALOG_FOLDER / f"{MESSAGES_DOMAIN}.po"


def shipped_languages() -> tuple[str, ...]:
    """The languages refpub's interface is translated into."""
    folder = shipped_catalog_path("xx").parent.parent.parent
    return tuple(sorted(d.name for d in folder.iterdir() if shipped_catalog_path(d.name).is_file()))


def _catalog_folders(root: Path) -> list[str]:
    """The folders under locales/ that hold a catalog."""
    paths = ProjectPaths.at(root)
    if not paths.locales_dir.is_dir():
        return []
    return sorted(
        d.name
        for d in paths.locales_dir.iterdir()
        if d.is_dir() and any(paths.catalog(d.name, domain).is_file() for domain in (MESSAGES_DOMAIN, CONTENT_DOMAIN))
    )


def catalog_languages(root: Path) -> tuple[str, ...]:
    """Every language that has a catalog under locales/, published or not. A folder whose
    name is not a language code (``locales/backup/``) is not a language: see stray_catalog_folders."""
    from .names import is_known_language

    return tuple(name for name in _catalog_folders(root) if is_known_language(name))


def stray_catalog_folders(root: Path) -> tuple[str, ...]:
    """Folders under locales/ with catalogs whose name is not a language code (ignored, with a warning)."""
    from .names import is_known_language

    return tuple(name for name in _catalog_folders(root) if not is_known_language(name))


def unpublished_languages(root: Path, languages: tuple[str, ...]) -> tuple[str, ...]:
    """Languages with catalogs (one a translation platform created, say) not in ``languages``."""
    return tuple(lang for lang in catalog_languages(root) if lang not in languages)


def template_path(root: Path, domain: str) -> Path:
    return ProjectPaths.at(root).catalog_template(domain)


def content_context(kind: str, entry_id: str | None, field_name: str) -> str:
    """The msgctxt of a content string: names the entry and field (``reading:foo:title``)."""
    return f"{kind}:{entry_id}:{field_name}" if entry_id else f"{kind}:{field_name}"


# Fields whose text is translated once for every entry that has it: two handouts titled "Where
# to find help" share one translation, and an ad-hoc handout's `--title` (which has no entry in
# the catalog) finds it. `refpub i18n update` copies it to a new handout of the same title as
# it is, never fuzzy (i18n/merge.py).
SHARED_FIELDS = frozenset({("handout", "title")})


def shared_field(context: str | None) -> tuple[str, str] | None:
    """``handout:<id>:title`` -> ("handout", "title") when that field is shared, else None."""
    parts = (context or "").split(":")
    field = (parts[0], parts[-1])
    return field if len(parts) >= 3 and field in SHARED_FIELDS else None


def read_messages(path: Path, lang: str) -> dict[tuple[str | None, str], object]:
    """(msgctxt, msgid) -> msgstr (a str, or a tuple for plurals) for translated, non-fuzzy messages.

    Parsed catalogs are cached by file identity (path, modification time, size): a build renders
    many outputs per locale, and a translator's edit still shows at once. Callers get a copy.
    """
    try:
        stat = path.stat()
    except OSError:
        return {}
    if not path.is_file():
        return {}
    return dict(_parse_messages(str(path), stat.st_mtime_ns, stat.st_size, lang))


@lru_cache(maxsize=32)
def _parse_messages(path: str, _mtime_ns: int, _size: int, lang: str) -> dict[tuple[str | None, str], object]:
    from .pofile import read_po  # problems in the file are reported by `refpub check`, not here

    po = read_po(Path(path))  # one too large to read has no messages
    table: dict[tuple[str | None, str], object] = {}
    for message in po.messages:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (list, tuple)):
            strings = tuple(message.string or ())
            if strings and all(strings):
                table[(message.context, message.id[0])] = strings
        elif message.string:
            table[(message.context, message.id)] = message.string
    return table


@dataclass
class Translations:
    """Everything one locale needs: interface gettext and content lookups, with fallback."""

    lang: str
    source_lang: str
    messages: dict = field(default_factory=dict)
    content_messages: dict = field(default_factory=dict)
    plural_func: Callable[[int], int] | None = None
    # Interface strings that fell back to the source language during rendering.
    missing_messages: set = field(default_factory=set)

    @property
    def is_source(self) -> bool:
        return self.lang == self.source_lang

    # -- interface (jinja2.ext.i18n callables) --------------------------------------
    def gettext(self, message: str) -> str:
        if self.is_source:
            return message
        translated = self.messages.get((None, message))
        if translated is None or isinstance(translated, tuple):
            self.missing_messages.add(message)
            return message
        return translated

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.is_source:
            return singular if n == 1 else plural
        forms = self.messages.get((None, singular))
        if not isinstance(forms, tuple):
            self.missing_messages.add(singular)
            return singular if n == 1 else plural
        index = self.plural_func(n) if self.plural_func else 0
        return forms[min(index, len(forms) - 1)]

    def pgettext(self, context: str, message: str) -> str:
        if self.is_source:
            return message
        translated = self.messages.get((context, message))
        if translated is None or isinstance(translated, tuple):
            self.missing_messages.add(message)
            return message
        return translated

    # -- content ------------------------------------------------------------------
    def content(self, context: str, source: str) -> Text:
        """The translation of a content field, or the source text marked as a fallback."""
        if self.is_source or not source:
            return Text(source, self.source_lang)
        translated = self.content_messages.get((context, source)) or self.shared_translation(context, source)
        if translated and isinstance(translated, str):
            return Text(translated, self.lang)
        return Text(source, self.source_lang, fallback=True)

    def shared_translation(self, context: str, source: str) -> str | None:
        """The translation of ``source`` in the same shared field of another entry (see
        SHARED_FIELDS), the first by context; None for a field that is not shared."""
        field = shared_field(context)
        if field is None:
            return None
        found = sorted(
            (ctx, value)
            for (ctx, msgid), value in self.content_messages.items()
            if msgid == source and isinstance(value, str) and value and shared_field(ctx) == field
        )
        return found[0][1] if found else None


def usable_interface_messages(messages: dict) -> dict:
    """The interface translations a page can be rendered with. One with a stray '%', or a
    placeholder its msgid does not have (``refpub check`` reports both as errors), is left out,
    so the source text is shown rather than the build stopping."""
    from .placeholders import placeholders, stray_percent

    def usable(msgid: str, translated) -> bool:
        forms = translated if isinstance(translated, tuple) else (translated,)
        known_named, known_positional = placeholders(msgid)
        allowed = set(known_named) | ({"%(num)"} if isinstance(translated, tuple) else set())  # ngettext adds num
        for form in forms:
            named, positional = placeholders(form)
            if stray_percent(form) is not None or not set(named) <= allowed:
                return False
            if positional and positional != known_positional:
                return False
        return True

    return {key: value for key, value in messages.items() if usable(key[1], value)}


def interface_messages(root: Path, lang: str) -> dict:
    """The interface translations a page in ``lang`` is rendered with: refpub's shipped ones,
    overridden message by message by the project's own (each layer without the translations
    :func:`usable_interface_messages` leaves out, so a project's broken translation gives way to
    refpub's rather than to the source text)."""
    shipped = usable_interface_messages(read_messages(shipped_catalog_path(lang), lang))
    own = usable_interface_messages(read_messages(catalog_path(root, lang, MESSAGES_DOMAIN), lang))
    return {**shipped, **own}


def load_translations(root: Path, lang: str, source_lang: str) -> Translations:
    """Read ``locales/<lang>/LC_MESSAGES/{messages,content}.po`` of a project (the interface
    on top of refpub's own translation, see :func:`interface_messages`)."""
    if lang == source_lang:
        return Translations(lang, source_lang)
    messages = interface_messages(root, lang)
    content = read_messages(catalog_path(root, lang, CONTENT_DOMAIN), lang)
    try:
        plural = c2py(get_plural(cldr_code(lang)).plural_expr)
    except (ValueError, LookupError, UnknownLocaleError):  # an unknown locale still builds, with one plural form
        plural = None
    return Translations(lang, source_lang, messages, content, plural)
