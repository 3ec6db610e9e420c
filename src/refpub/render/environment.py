"""One Jinja2 environment per locale and output medium.

Templates are looked up first in the project's ``templates/`` folder, then in refpub's defaults
(the ``refpub.templates`` package), so a project overrides any template or stylesheet by
placing a file of the same name in its own folder. Autoescaping is on for every template.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..diagnostics import Location
from ..errors import BuildError
from ..i18n.catalogs import Translations
from ..i18n.names import base_language
from ..text import Text
from ..urls import is_safe_url
from .formats import format_number, format_partial_date, list_separator, text_direction
from .furigana import Segment, segments
from .labels import LABEL_SEPARATOR
from .phrases import WORD_JOINER, break_words, join_phrases, phrase_starts, soften_long_words
from .resources import is_within


def default_templates_dir() -> Path:
    return Path(str(files("refpub.templates")))


def template_dirs(project_root: Path | None) -> list[Path]:
    """The folders templates are looked up in: the project's ``templates/``, then refpub's.

    A project's ``templates/`` that is a link to a folder outside the project is refused: the
    templates and everything they reference must be the project's own files.
    """
    dirs = []
    if project_root is not None and (project_root / "templates").is_dir():
        own = (project_root / "templates").resolve()
        if not is_within(own, [project_root.resolve()]):
            raise BuildError(
                f"templates/ is a link to {own}, outside the project; copy the templates into the project",
                Location("templates"),
            )
        dirs.append(own)
    default = default_templates_dir().resolve()
    if default not in dirs:
        dirs.append(default)
    return dirs


class TemplateRefused(jinja2.TemplateError):
    """A template file that resolves to a place outside the project and refpub's templates."""


# A template name that starts with this is refpub's own template, never the project's (Sphinx
# themes use the same sign): `{% extends "!handbook.html" %}` changes one block of the default.
DEFAULT_PREFIX = "!"


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that never reads a file outside the allowed folders.

    Jinja already refuses ``..`` in template names; this also refuses a template file that is a
    symbolic link to somewhere else (``templates/x.css -> /etc/passwd``). The check comes before
    the file is opened, so a link to a device or a pipe is never read either.
    """

    def __init__(self, searchpath: list[Path], allowed_roots: list[Path]):
        super().__init__([str(d) for d in searchpath])
        self.allowed_roots = [Path(r).resolve() for r in allowed_roots]

    def get_source(self, environment, template):
        if template.startswith(DEFAULT_PREFIX):
            # "!handbook.html", "!reader/section.xhtml": refpub's own, for a project's template
            # that extends it.
            default = ConfinedLoader(self.searchpath[-1:], self.allowed_roots)
            try:
                return default.get_source(environment, template[len(DEFAULT_PREFIX) :])
            except jinja2.TemplateNotFound:
                raise jinja2.TemplateNotFound(template) from None  # the name as the project wrote it
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = Path(folder, *pieces)
            if candidate.is_file() or candidate.is_symlink():
                real = candidate.resolve()
                if not is_within(real, self.allowed_roots):
                    raise TemplateRefused(
                        f"the template '{template}' ({candidate}) is a link to {real}, outside the "
                        "project and refpub's templates; copy the file into the project instead"
                    )
                break
        return super().get_source(environment, template)


def template_problem(exc: jinja2.TemplateError, project_root: Path | None) -> BuildError:
    """A build error, with the template's file and line, for a template that cannot be rendered."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
    if filename is None:
        # Jinja rewrites tracebacks so a template's frames carry its file and line.
        dirs = [str(d) for d in template_dirs(project_root)]
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(frame.filename.startswith(d) for d in dirs):
                filename, line = frame.filename, frame.lineno or 0
                break
    location = Location(display_path(filename, project_root), line) if filename else None
    if isinstance(exc, jinja2.TemplateNotFound) and str(exc.name).startswith(DEFAULT_PREFIX):
        message = f"template '{exc.name}' not found: refpub has no template of that name (the '!' names refpub's own)"
    elif isinstance(exc, jinja2.TemplateNotFound):
        message = (
            f"template '{exc.name}' not found; templates include others by name from the project's "
            "templates/ folder or refpub's (no '..', no absolute paths)"
        )
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        message = f"template syntax error: {exc.message}"
    elif isinstance(exc, TemplateRefused):
        message = str(exc)
    else:
        message = f"template error: {exc.message or exc}"
    return BuildError(message, location)


def display_path(filename: str, project_root: Path | None) -> str:
    path = Path(filename)
    for base, prefix in ((project_root, ""), (default_templates_dir(), "refpub templates/")):
        if base is None:
            continue
        try:
            return prefix + path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename


class EscapedText(Markup):
    """An interface string as the gettext callables give it: escaped text, never an element, so
    furigana may be added to it (see ``_ruby``)."""


@dataclass(frozen=True)
class Furigana:
    """Which languages get ruby over their kanji, and the project's reading dictionary."""

    levels: Mapping[str, str]  # lang -> schema.FURIGANA_LEVELS; a language not named gets none
    words: Mapping[str, str]

    def level(self, lang: str) -> str:
        return self.levels.get(lang, "none") if base_language(lang) == "ja" else "none"


RUBY = Markup("<ruby>{}<rp>(</rp><rt>{}</rt><rp>)</rp></ruby>")
# In PDFs (WeasyPrint has no ruby layout) the reading comes first, so the stylesheets can stack
# it above its base in an inline-block; the base is an element of its own. The structure tree
# puts the base first again, tagged RB beside RT (render/tagging.py).
RUBY_PAGED = Markup("<ruby><rt>{1}</rt><rb>{0}</rb></ruby>")


def ruby_markup(text: str, level: str, words: Mapping[str, str], phrase_breaking: bool = False) -> Markup | None:
    """``text`` with ``<ruby>`` readings over its kanji (escaped), or None when none is due.

    In paged output the characters of each Japanese phrase are also joined (WORD JOINER, as
    render/phrases.py does for text without ruby), so a line never breaks between a kanji and
    its okurigana; a ruby group itself is one unbreakable box."""
    segs = segments(text, words, level)
    if all(seg.reading is None for seg in segs):
        return None
    starts = phrase_starts(text) if phrase_breaking else None
    out: list[str] = []
    pos = 0
    for seg in segs:
        if starts is not None and pos and pos not in starts:
            out.append(WORD_JOINER)
        if seg.reading is not None:
            out.append((RUBY_PAGED if phrase_breaking else RUBY).format(seg.base, seg.reading))
        elif starts is not None:
            out.append(escape(_join_within(seg, pos, starts)))
        else:
            out.append(escape(seg.base))
        pos += len(seg.base)
    return Markup("".join(out))


def _join_within(seg: Segment, pos: int, starts: frozenset[int]) -> str:
    """The characters of a segment joined except where a phrase starts."""
    chars = []
    for i, char in enumerate(seg.base):
        if i and pos + i not in starts:
            chars.append(WORD_JOINER)
        chars.append(char)
    return soften_long_words("".join(chars))


def _ruby(env: jinja2.Environment, value):
    """``value`` with furigana when its language asks for them (content/publication.yaml's
    ``furigana``); anything else unchanged. Text and escaped interface strings only: markup
    made by a template (a link, an element) is never touched."""
    furigana = env.globals.get("furigana")
    if not isinstance(furigana, Furigana) or not value or not isinstance(value, str):
        return value
    if isinstance(value, Markup):
        if not isinstance(value, EscapedText) or "<" in value:
            return value
        text = value.unescape()
    else:
        text = str(value)
    lang = getattr(value, "lang", None) or env.globals["page_lang"]
    level = furigana.level(str(lang))
    if level == "none":
        return value
    marked = ruby_markup(text, level, furigana.words, bool(env.globals["phrase_breaking"]))
    if marked is None and env.globals["phrase_breaking"] and not isinstance(value, Markup):
        return _phrases_now(value, str(lang))  # no ruby due (kana only, or known kanji): phrases still
    return value if marked is None else marked


def _phrases_now(value: str, lang: str):
    """``value`` joined into phrases (see :func:`_phrases`), keeping its language."""
    joined = join_phrases(str(value))
    if joined == value:
        return value
    return Text(joined, lang, getattr(value, "fallback", False)) if isinstance(value, Text) else joined


def _plain(env: jinja2.Environment, value):
    """A value printed where no element may stand (an attribute, ``<title>``): never given ruby."""
    if env.globals.get("furigana") is None or isinstance(value, Markup) and not isinstance(value, EscapedText):
        return value
    return Markup(escape(str(value) if not isinstance(value, Markup) else value.unescape()))


def _lang_attr(env: jinja2.Environment, value) -> Markup:
    """` lang="en"` (and a fallback marker) when ``value`` is not in the page's language."""
    lang = getattr(value, "lang", None)
    page_lang = env.globals["page_lang"]
    if not lang or lang == page_lang:
        return Markup("")
    attrs = f' lang="{escape(lang)}"'
    direction = text_direction(str(lang))
    if direction != env.globals["page_dir"]:
        # Isolated (every stylesheet has `[dir] { unicode-bidi: isolate }`): an English fallback
        # in an Arabic page cannot reorder the sentence around it, nor Arabic an English one.
        attrs += f' dir="{direction}"'
    if env.globals["xhtml"]:
        attrs += f' xml:lang="{escape(lang)}"'
    if getattr(value, "fallback", False):
        attrs += ' data-fallback="true"'
    return Markup(attrs)


def _phrases(env: jinja2.Environment, value):
    """Japanese phrase breaking for paged output (see render/phrases.py)."""
    if not env.globals["phrase_breaking"] or not value:
        return value
    lang = str(getattr(value, "lang", env.globals["page_lang"]))
    if not lang.startswith("ja"):
        return value
    furigana = env.globals.get("furigana")
    if isinstance(furigana, Furigana) and furigana.level(lang) != "none" and not isinstance(value, Markup):
        return value  # joined as its ruby is added, when it is printed (_ruby)
    joined = join_phrases(str(value))
    return Text(joined, lang, getattr(value, "fallback", False)) if isinstance(value, Text) else joined


def _safe_href(url: str) -> Markup:
    """A link target (escaped, and final: never softened), or "" if its scheme is not allowed
    (content is checked on load too)."""
    return Markup(escape(url)) if url and is_safe_url(url) else Markup("")


FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


@jinja2.pass_environment
def _finalize_paged(env: jinja2.Environment, value):
    """Every printed value of paged output: very long words get invisible break opportunities
    (see render/phrases.py). Markup (link targets, translated labels) is left as it is.

    Text in a language of the other direction (an English fallback on an Arabic page) is
    wrapped in Unicode isolates (FSI ... PDI): WeasyPrint ignores CSS ``unicode-bidi``, and
    Pango's bidi algorithm honours the isolates, so the run cannot reorder the sentence around it.
    """
    ruby = _ruby(env, value)
    if ruby is not value:
        return ruby
    if isinstance(value, str) and not isinstance(value, Markup):
        softened = soften_long_words(break_words(value))
        if isinstance(value, Text):
            if softened and text_direction(str(value.lang)) != env.globals["page_dir"]:
                softened = f"{FIRST_STRONG_ISOLATE}{softened}{POP_DIRECTIONAL_ISOLATE}"
            if softened is not value:
                return Text(softened, value.lang, value.fallback)
        return softened
    return value


@jinja2.pass_environment
def _finalize_screen(env: jinja2.Environment, value):
    """Every printed value of the reader and the web edition: furigana where they are due."""
    return _ruby(env, value)


LEFT_TO_RIGHT_ISOLATE = "\u2066"


def _ltr(env: jinja2.Environment, value) -> Markup:
    """A run that is always left to right (a URL, an email address, a phone number), isolated
    on a right-to-left page so that "+81 3-..." keeps its plus sign in front: ``<bdi dir="ltr">``,
    and in PDFs also the Unicode isolates Pango's bidi algorithm follows (WeasyPrint ignores
    ``unicode-bidi``). Unchanged on a left-to-right page."""
    if env.globals["page_dir"] == "ltr" or not value:
        return value
    if env.globals["xhtml"]:
        return Markup('<bdi dir="ltr">{}</bdi>').format(value)
    if not isinstance(value, Markup):
        value = soften_long_words(str(value))
    return Markup('<bdi dir="ltr">{}{}{}</bdi>').format(LEFT_TO_RIGHT_ISOLATE, value, POP_DIRECTIONAL_ISOLATE)


def make_environment(
    project_root: Path | None,
    translations: Translations,
    *,
    xhtml: bool = False,
    phrase_breaking: bool = False,
    furigana: Furigana | None = None,
) -> jinja2.Environment:
    """The environment for one locale and medium; gettext callables are bound to ``translations``.

    Build one per locale and medium and reuse it: its template cache is what makes rendering
    many outputs cheap.
    """
    lang = translations.lang
    dirs = template_dirs(project_root)
    env = jinja2.Environment(
        loader=ConfinedLoader(dirs, [*([project_root] if project_root is not None else []), default_templates_dir()]),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize_paged if phrase_breaking else (_finalize_screen if furigana is not None else None),
    )
    env.globals.update(page_lang=lang, page_dir=text_direction(lang), xhtml=xhtml, phrase_breaking=phrase_breaking)
    # Ruby over kanji where a language asks for it (None: no language does, the output is as before).
    env.globals["furigana"] = furigana
    # The languages whose text gets ruby: stylesheets leave room above their lines.
    env.globals["furigana_langs"] = (
        [] if furigana is None else [code for code in furigana.levels if furigana.level(code) != "none"]
    )
    env.filters["ruby"] = jinja2.pass_environment(_ruby)
    env.filters["plain"] = jinja2.pass_environment(_plain)
    env.filters["lang_attr"] = jinja2.pass_environment(_lang_attr)
    env.filters["phrases"] = jinja2.pass_environment(_phrases)
    env.filters["safe_href"] = _safe_href
    env.filters["ltr"] = jinja2.pass_environment(_ltr)
    env.filters["number"] = lambda n: format_number(n, lang)
    env.filters["partial_date"] = lambda d: format_partial_date(d, lang)
    # Items of a list joined as the language writes lists (CLDR: ", " in English, "、" in Japanese).
    env.globals["list_separator"] = list_separator(lang)
    # A label and its value ("Services: …", "支援内容：…"): the translators' punctuation,
    # written {{ _(LABEL_SEPARATOR) }} (extracted from render/labels.py, with its note).
    env.globals["LABEL_SEPARATOR"] = LABEL_SEPARATOR
    gettext, ngettext, pgettext = escaped_gettext_callables(translations)
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)  # type: ignore[attr-defined]  # jinja2.ext.i18n adds it
    # Jinja's new-style wrappers return plain Markup; these keep the result an EscapedText, so
    # an interface string can be given furigana like any text.
    if furigana is not None:
        env.globals.update(newstyle_escaped_callables(gettext, ngettext, pgettext))
    return env


def newstyle_escaped_callables(gettext, ngettext, pgettext) -> dict:
    """``_``/``gettext``/``ngettext``/``pgettext`` as Jinja's new-style gettext calls them
    (``%(name)s`` filled, escaped), returning :class:`EscapedText`."""

    def _gettext(message: str, **variables) -> EscapedText:
        return EscapedText(gettext(message) % variables)

    def _ngettext(singular: str, plural: str, num: int, **variables) -> EscapedText:
        variables.setdefault("num", num)
        return EscapedText(ngettext(singular, plural, num) % variables)

    def _pgettext(context: str, message: str, **variables) -> EscapedText:
        return EscapedText(pgettext(context, message) % variables)

    return {"_": _gettext, "gettext": _gettext, "ngettext": _ngettext, "pgettext": _pgettext}


def escaped_gettext_callables(translations: Translations):
    """gettext, ngettext and pgettext whose result is escaped like any other text.

    Jinja's new-style gettext marks a translation as safe markup when autoescaping is on (only
    the ``%(name)s`` values are escaped). A translation comes from a translator, not from the
    template's author: escaping it here keeps ``<``, ``&`` and quotes in a catalog as text.
    """

    def gettext(message: str) -> Markup:
        return EscapedText(escape(translations.gettext(message)))

    def ngettext(singular: str, plural: str, n: int) -> Markup:
        # The count is written in the language's digits (Persian ۱۲, Burmese ၁၂): Jinja would
        # fill %(num)s with Python's str(n).
        text = escape(translations.ngettext(singular, plural, n))
        return EscapedText(str(text).replace("%(num)s", format_number(n, translations.lang)))

    def pgettext(context: str, message: str) -> Markup:
        return EscapedText(escape(translations.pgettext(context, message)))

    return gettext, ngettext, pgettext
