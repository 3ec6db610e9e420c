"""One Jinja2 environment per locale and output medium.

Templates are looked up first in the project's ``templates/`` folder, then in refpub's defaults
(the ``refpub.templates`` package), so a project overrides any template or stylesheet by
placing a file of the same name in its own folder. Autoescaping is on for every template.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..i18n.catalogs import Translations
from ..text import Text
from ..urls import is_safe_url
from .formats import format_number, format_partial_date
from .phrases import join_phrases


def default_templates_dir() -> Path:
    return Path(str(files("refpub.templates")))


def template_dirs(project_root: Path | None) -> list[Path]:
    dirs = []
    if project_root is not None and (project_root / "templates").is_dir():
        dirs.append((project_root / "templates").resolve())
    default = default_templates_dir().resolve()
    if default not in dirs:
        dirs.append(default)
    return dirs


def _lang_attr(env: jinja2.Environment, value) -> Markup:
    """` lang="en"` (and a fallback marker) when ``value`` is not in the page's language."""
    lang = getattr(value, "lang", None)
    page_lang = env.globals["page_lang"]
    if not lang or lang == page_lang:
        return Markup("")
    attrs = f' lang="{escape(lang)}"'
    if env.globals["xhtml"]:
        attrs += f' xml:lang="{escape(lang)}"'
    if getattr(value, "fallback", False):
        attrs += ' data-fallback="true"'
    return Markup(attrs)


def _phrases(env: jinja2.Environment, value):
    """Japanese phrase breaking for paged output (see render/phrases.py)."""
    if not env.globals["phrase_breaking"] or not value:
        return value
    lang = getattr(value, "lang", env.globals["page_lang"])
    if not str(lang).startswith("ja"):
        return value
    joined = join_phrases(str(value))
    return Text(joined, lang, getattr(value, "fallback", False)) if isinstance(value, Text) else joined


def _safe_href(url: str) -> str:
    """A link target, or "" if it is not an allowed scheme (content is checked on load too)."""
    return url if url and is_safe_url(url) else ""


def make_environment(
    project_root: Path | None,
    translations: Translations,
    *,
    xhtml: bool = False,
    phrase_breaking: bool = False,
) -> jinja2.Environment:
    """The environment for one locale and medium; gettext callables are bound to ``translations``.

    Build one per locale and medium and reuse it: its template cache is what makes rendering
    many outputs cheap.
    """
    lang = translations.lang
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project_root)]),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(page_lang=lang, xhtml=xhtml, phrase_breaking=phrase_breaking)
    env.filters["lang_attr"] = jinja2.pass_environment(_lang_attr)
    env.filters["phrases"] = jinja2.pass_environment(_phrases)
    env.filters["safe_href"] = _safe_href
    env.filters["number"] = lambda n: format_number(n, lang)
    env.filters["partial_date"] = lambda d: format_partial_date(d, lang)
    env.install_gettext_callables(
        translations.gettext, translations.ngettext, newstyle=True, pgettext=translations.pgettext
    )
    return env
