"""One Jinja2 environment per locale and output medium.

Templates are looked up first in the project's ``templates/`` folder, then in refpub's defaults
(the ``refpub.templates`` package), so a project overrides any template or stylesheet by
placing a file of the same name in its own folder. Autoescaping is on for every template.

Templates run in Jinja's sandbox: a project's templates are untrusted input (a pull request
built in CI), so they may call refpub's filters and globals and read the content model, but
not reach Python's internals (``cycler.__init__.__globals__``): that is a located error.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.sandbox
from markupsafe import Markup, escape

from ..content.project import default_templates_dir, is_within, template_dirs
from ..content.text import Text
from ..content.urls import TEL_LINK, is_safe_url
from ..diagnostics import Location
from ..errors import BuildError
from ..i18n.catalogs import Translations
from ..i18n.names import base_language, script_language
from .autospace import autospace, sides
from .formats import format_number, format_partial_date, list_separator, text_direction
from .furigana import Segment, segments
from .interface import (
    FIRST_STRONG_ISOLATE,
    LEFT_TO_RIGHT_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    Isolation,
    UiText,
    interface_callables,
    plain,
)
from .labels import LABEL_SEPARATOR
from .phrases import WORD_JOINER, break_words, join_phrases, phrase_starts, soften_long_words


class TemplateRefused(jinja2.TemplateError):
    """A template file that resolves to a place outside the project and refpub's templates."""

    path: str | None = None


# A template name that starts with this is refpub's own template, never the project's (Sphinx
# themes use the same sign): `{% extends "!handbook.html" %}` changes one block of the default.
DEFAULT_PREFIX = "!"


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that never reads a file outside the allowed folders.

    Jinja already refuses ``..`` in template names; this also refuses a template file that is a
    symbolic link to somewhere else (``templates/x.css -> /etc/passwd``). The check comes before
    the file is opened, so a link to a device or a pipe is never read either.
    """

    def __init__(self, searchpath: Sequence[str | Path], allowed_roots: list[Path]):
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
                    refused = TemplateRefused(
                        f"the template '{template}' is a link to {real}, outside the "
                        "project and refpub's templates; copy the file into the project instead"
                    )
                    refused.path = str(candidate)  # where it is reported if no template included it
                    raise refused
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
    if filename is None and isinstance(exc, TemplateRefused) and exc.path:
        filename = exc.path  # the link itself, when no template of the project included it
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
    elif isinstance(exc, jinja2.sandbox.SecurityError):
        message = (
            f"template refused: {str(exc.message or exc).rstrip('.')}; templates may use the content, refpub's filters "
            "and globals, not Python's internals"
        )
    else:
        message = f"template error: {exc.message or exc}"
    return BuildError(message, location)


def display_path(filename: str, project_root: Path | None) -> str:
    path = Path(filename)
    for base, prefix in ((project_root, ""), (default_templates_dir(), "refpub templates/")):
        if base is None:
            continue
        for candidate in (path.absolute(), path.resolve()):  # a link: where it is, not where it points
            try:
                return prefix + candidate.relative_to(base.resolve()).as_posix()
            except ValueError:
                continue
    return filename


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
# puts the base first again, tagged RB beside RT (pdf/tagging.py).
RUBY_PAGED = Markup("<ruby><rt>{1}</rt><rb>{0}</rb></ruby>")
RUBY_PAGED_SPACED = Markup('<ruby class="{2}"><rt>{1}</rt><rb>{0}</rb></ruby>')


def ruby_markup(
    text: str, level: str, words: Mapping[str, str], phrase_breaking: bool = False, autospacing: bool | None = None
) -> Markup | None:
    """``text`` with ``<ruby>`` readings over its kanji (escaped), or None when none is due.

    In paged output the characters of each Japanese phrase are also joined (WORD JOINER, as
    views/phrases.py does for text without ruby), so a line never breaks between a kanji and
    its okurigana; a ruby group itself is one unbreakable box. There, on a Japanese page
    (``autospacing``, by default in paged output), Latin text beside Japanese is spaced by
    layout (views/autospace.py)."""
    segs = segments(text, words, level)
    if all(seg.reading is None for seg in segs):
        return None
    starts = phrase_starts(text) if phrase_breaking else None
    spacing = phrase_breaking if autospacing is None else autospacing and phrase_breaking
    out: list[str] = []
    pos = 0
    for i, seg in enumerate(segs):
        if starts is not None and pos and pos not in starts:
            out.append(WORD_JOINER)
        # In PDFs, Latin text beside Japanese (a ruby base too) is spaced by layout (views/autospace.py).
        before = segs[i - 1].base if i else ""
        after = segs[i + 1].base if i + 1 < len(segs) else ""
        if seg.reading is not None and spacing and (spaced := sides(seg.base, before, after)):
            out.append(RUBY_PAGED_SPACED.format(seg.base, seg.reading, " ".join(spaced)))  # 2日 after 月
        elif seg.reading is not None:
            out.append((RUBY_PAGED if phrase_breaking else RUBY).format(seg.base, seg.reading))
        elif starts is not None:
            joined = _join_within(seg, pos, starts)
            out.append((autospace(joined, before, after) if spacing else None) or escape(joined))
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


def _text_to_mark(value) -> str | None:
    """The text of a printed value that furigana or spacing may mark up: text, or an escaped
    interface string (unless it holds an element: an isolate on screens); None for anything
    else, such as markup made by a template (a link, an element)."""
    if not value or not isinstance(value, str):
        return None
    if isinstance(value, UiText):
        return None if "<" in value.markup else str.__str__(value)
    if isinstance(value, Markup):
        return None
    return str(value)


def _ruby(env: jinja2.Environment, value):
    """``value`` with furigana when its language asks for them (content/publication.yaml's
    ``furigana``); anything else unchanged. Text and escaped interface strings only: markup
    made by a template (a link, an element) is never touched."""
    furigana = env.globals.get("furigana")
    if not isinstance(furigana, Furigana):
        return value
    text = _text_to_mark(value)
    if text is None:
        return value
    lang = getattr(value, "lang", None) or env.globals["page_lang"]
    level = furigana.level(str(lang))
    if level == "none":
        return value
    marked = ruby_markup(
        text, level, furigana.words, bool(env.globals["phrase_breaking"]), bool(env.globals["autospace"])
    )
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
    """A value printed where no element may stand (an attribute, ``<title>``): an interface
    string's plain text (its isolates as Unicode characters, see views/interface.py), and never
    given ruby."""
    value = plain(value)
    if isinstance(value, Markup):
        return value
    if env.globals.get("furigana") is not None:
        return Markup(escape(value))
    if env.globals["autospace"]:
        # printed as it was before spacing came in (_paged_text), and final: no span
        return Markup(escape(_paged_text(env, value)))
    return value


def _lang_attr(env: jinja2.Environment, value) -> Markup:
    """` lang="en"` (and a fallback marker) when ``value`` is not in the page's language: its
    own language, or the language of its script (a Japanese address on an English page)."""
    lang = getattr(value, "lang", None)
    page_lang = env.globals["page_lang"]
    if isinstance(value, str) and value:
        lang = script_language(value, str(lang or page_lang)) or lang
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
    """Japanese phrase breaking for paged output (see views/phrases.py)."""
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
    (content is checked on load too). ``tel:`` links are those refpub makes (E.164 digits)."""
    if url and (is_safe_url(url) or TEL_LINK.fullmatch(url)):
        return Markup(escape(url))
    return Markup("")


@jinja2.pass_environment
def _finalize_paged(env: jinja2.Environment, value):
    """Every printed value of paged output: very long words get invisible break opportunities
    (see views/phrases.py). Markup (link targets, translated labels) is left as it is.

    Text in a language of the other direction (an English fallback on an Arabic page) is
    wrapped in Unicode isolates (FSI ... PDI): WeasyPrint ignores CSS ``unicode-bidi``, and
    Pango's bidi algorithm honours the isolates, so the run cannot reorder the sentence around it.
    """
    ruby = _ruby(env, value)
    if ruby is not value:
        return ruby if isinstance(ruby, Markup) else _autospaced(env, ruby)
    return _autospaced(env, _paged_text(env, value))


def _paged_text(env: jinja2.Environment, value):
    """A value of paged output with its break hints and isolates (see :func:`_finalize_paged`)."""
    if isinstance(value, str) and not isinstance(value, (Markup, UiText)):
        softened = soften_long_words(break_words(value))
        if isinstance(value, Text):
            if softened and text_direction(str(value.lang)) != env.globals["page_dir"]:
                softened = f"{FIRST_STRONG_ISOLATE}{softened}{POP_DIRECTIONAL_ISOLATE}"
            if softened is not value:
                return Text(softened, value.lang, value.fallback)
        return softened
    return value


def _autospaced(env: jinja2.Environment, value):
    """Japanese text of a Japanese page with its Latin runs spaced by layout (views/autospace.py);
    anything else unchanged. An interface string too, unless it holds an element."""
    text = _text_to_mark(value) if env.globals["autospace"] else None
    if text is None:
        return value
    if base_language(str(getattr(value, "lang", None) or env.globals["page_lang"])) != "ja":
        return value
    return autospace(text) or value


@jinja2.pass_environment
def _finalize_screen(env: jinja2.Environment, value):
    """Every printed value of the reader and the web edition: furigana where they are due."""
    return _ruby(env, value)


def _ltr(env: jinja2.Environment, value) -> Markup:
    """A run that is always left to right (a URL, an email address, a phone number), isolated
    on a right-to-left page so that "+81 3-..." keeps its plus sign in front: ``<bdi dir="ltr">``
    on screens; in PDFs the Unicode isolates Pango's bidi algorithm follows (WeasyPrint ignores
    ``unicode-bidi``), and no element: WeasyPrint tags a ``<bdi>`` as NonStruct, which would take
    a link out of its Link element (PDF/UA). Unchanged on a left-to-right page."""
    if env.globals["page_dir"] == "ltr" or not value:
        return value
    if env.globals["xhtml"]:
        return Markup('<bdi dir="ltr">{}</bdi>').format(value)
    if not isinstance(value, Markup):
        value = soften_long_words(str(value))
    if env.globals["phrase_breaking"]:  # paged output
        return Markup("{}{}{}").format(LEFT_TO_RIGHT_ISOLATE, value, POP_DIRECTIONAL_ISOLATE)
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
    env = jinja2.sandbox.SandboxedEnvironment(
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
    # Japanese pages of paged output space Latin runs from Japanese by layout (views/autospace.py);
    # screens leave it to CSS text-autospace.
    env.globals["autospace"] = phrase_breaking and base_language(lang) == "ja"
    # Ruby over kanji where a language asks for it (None: no language does, the output is as before).
    env.globals["furigana"] = furigana
    # The languages whose text gets ruby: stylesheets leave room above their lines.
    env.globals["furigana_langs"] = (
        [] if furigana is None else [code for code in furigana.levels if furigana.level(code) != "none"]
    )
    env.filters["ruby"] = jinja2.pass_environment(_ruby)
    env.tests["japanese"] = lambda code: base_language(str(code)) == "ja"
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
    # written {{ _(LABEL_SEPARATOR) }} (extracted from views/labels.py, with its note).
    env.globals["LABEL_SEPARATOR"] = LABEL_SEPARATOR
    # The interface strings (views/interface.py): the one place they are made, isolated where
    # their direction needs it. Installed as Jinja's new-style gettext (placeholders filled in
    # by the call); the web edition and the e-book pass their own, counting fallbacks.
    env.globals.update(interface_callables(translations, page_isolation(env)))
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # jinja2.ext.i18n's setting
    return env


def page_isolation(env: jinja2.Environment) -> Isolation:
    """How this environment's pages isolate interface strings: characters in PDFs (paged
    output), elements on screens."""
    g = env.globals
    return Isolation(str(g["page_dir"]), elements=not g["phrase_breaking"], xhtml=bool(g["xhtml"]))
