"""Checks of the translation catalogs, reported like compiler messages with file and line.

Errors (the catalog is wrong; ``refpub i18n check`` and ``refpub check`` exit 1): syntax, a
placeholder of the msgid missing or changed in the msgstr, the wrong number of plural forms,
broken or changed HTML tags, a link that differs from the source or is unsafe.

Warnings (someone should look): fuzzy translations, catalogs out of date with the content or
the templates, a Plural-Forms with another number of forms than the language has, plural forms
left empty, a link the translation drops, a glossary term not rendered as agreed, an
organisation name that is not its own name from ``alt_names``.

As Babel's ``checkers``: each check of a catalog is a function that returns the problems it
finds (``CATALOG_CHECKERS`` for the file, ``MESSAGE_CHECKERS`` for each message), and
:func:`check_po` runs them in order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel import UnknownLocaleError
from babel.messages.catalog import Message
from babel.messages.plurals import get_plural

from ..content.project import LOCALES_FOLDER
from ..content.text import control_character_problem
from ..content.urls import check_url
from ..diagnostics import Diagnostic, Location, Reporter, Severity
from .catalogs import (
    CONTENT_DOMAIN,
    MESSAGES_DOMAIN,
    catalog_path,
    read_messages,
    shipped_catalog_path,
    stray_catalog_folders,
    template_path,
    unpublished_languages,
)
from .glossary import Term, load_glossary, missing_terms
from .names import cldr_code
from .placeholders import format_problem, placeholder_problem, placeholders, stray_percent  # noqa: F401 (re-exported)
from .pofile import PoFile, is_translated, message_key, read_po

# --------------------------------------------------------------------------- HTML and links

_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)\b[^<>]*?(/?)>")
_BROKEN_TAG = re.compile(r"<(/?[A-Za-z][\w:-]*)\b[^<>]*(?=<|$)")
_VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "col", "area", "source"}
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*):(?://)?[^\s\"'<>()\[\]{}、。「」]+", re.I)
_URL_SCHEMES = ("http", "https", "mailto", "ftp", "file", "javascript", "data", "vbscript", "tel")


def _tags(text: str) -> tuple[Counter, str | None]:
    """(tag names with their count, a problem with the structure or None)."""
    names: Counter = Counter()
    stack: list[str] = []
    problem = None
    broken = _BROKEN_TAG.search(text)
    if broken:
        problem = f"unclosed tag '<{broken.group(1)}' (missing '>')"
    for m in _TAG.finditer(text):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        names[("/" if closing else "") + name] += 1
        if closing:
            if stack and stack[-1] == name:
                stack.pop()
            elif problem is None:
                problem = f"'</{name}>' does not close an open tag"
        elif not selfclosing and name not in _VOID:
            stack.append(name)
    if stack and problem is None:
        problem = f"'<{stack[-1]}>' is never closed"
    return names, problem


def html_problem(source: str, translation: str) -> str | None:
    if "<" not in source and "<" not in translation:
        return None
    src_tags, src_problem = _tags(source)
    dst_tags, dst_problem = _tags(translation)
    if dst_problem and not src_problem:
        return f"broken HTML in the translation: {dst_problem}"
    if src_tags != dst_tags:
        shown = lambda c: ", ".join(f"<{n}>" for n in sorted(c.elements())) or "none"  # noqa: E731
        return f"HTML tags differ: the source has {shown(src_tags)}, the translation has {shown(dst_tags)}"
    return None


def urls(text: str) -> list[str]:
    found = []
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        if url.split(":", 1)[0].lower() in _URL_SCHEMES:
            found.append(url)
    return found


def url_problems(source: str, translation: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the links of a translation."""
    errors, warnings = [], []
    src = urls(source)
    for url in urls(translation):
        reason = check_url(url)
        if reason:
            errors.append(f"unsafe link in the translation: '{url}' {reason}")
        elif url not in src:
            errors.append(f"link '{url}' differs from the source ({', '.join(src) or 'no link'}); copy links unchanged")
    dst = set(urls(translation))
    for url in src:
        if url not in dst and check_url(url) is None:
            warnings.append(f"the translation drops the link '{url}'")
    return errors, warnings


# --------------------------------------------------------------------------- one catalog


def expected_plurals(lang: str) -> int | None:
    try:
        return get_plural(cldr_code(lang)).num_plurals
    except (ValueError, LookupError, UnknownLocaleError):
        return None


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]


def msgfmt_problems(path: Path) -> list[tuple[int, str]] | None:
    """Syntax and header errors as GNU msgfmt sees them, or None when msgfmt is not installed.

    msgfmt's warnings (such as a POT's header without Language) are left out: msgfmt accepts them.
    """
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        return None
    try:
        proc = subprocess.run(
            [msgfmt, "--check-header", "-o", "/dev/null", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    problems = []
    prefix = str(path) + ":"
    for line in proc.stderr.splitlines():
        if not line.startswith(prefix):
            continue
        rest = line[len(prefix) :]
        m = re.match(r"(\d+):(?:\d+:)?\s*(.*)", rest)
        if (m.group(2) if m else rest.strip()).startswith("warning:"):
            continue  # msgfmt accepts what it warns about (a charset name, say: see pofile.charset_problem)
        if m:
            line_no, problem = int(m.group(1)), m.group(2)
            if problem.startswith("end-of-line within string"):
                line_no -= 1  # msgfmt counts the newline that ended the string
            problems.append((line_no, problem))
        else:
            problems.append((0, rest.strip()))
    return problems


def plural_rule_problem(po: PoFile) -> str | None:
    """Why the header's Plural-Forms cannot be used: not ``nplurals=N; plural=EXPR;``, an
    expression gettext cannot evaluate, one that fails for some number (divides by zero), or
    gives a form beyond nplurals. None when it is absent or usable."""
    forms = po.header_value("Plural-Forms")
    if forms is None:
        return None
    try:
        numbers = _plural_numbers(po)
    except ArithmeticError as exc:
        return str(exc)
    except ValueError as exc:
        return f"the plural rule cannot be evaluated ({exc}); write it as in 'nplurals=2; plural=(n != 1);'"
    nplurals = po.num_plurals
    if nplurals is None or not numbers:
        return f"'{forms}' is not 'nplurals=N; plural=EXPRESSION;'"
    beyond = max(numbers)
    if beyond >= nplurals or min(numbers) < 0:
        return f"the plural rule gives form {beyond}, but nplurals={nplurals} (forms are 0 to {nplurals - 1})"
    return None


def _plural_numbers(po: PoFile) -> dict[int, int]:
    """{form: how many of the numbers 0-999 the catalog's Plural-Forms rule gives that form};
    ValueError when the rule cannot be evaluated, ArithmeticError when it fails for a number."""
    import gettext

    match = re.search(r"plural\s*=\s*([^;]+)", po.header_value("Plural-Forms") or "")
    if not match:
        return {}
    try:
        rule = gettext.c2py(match.group(1).strip())
    except (ValueError, SyntaxError, RecursionError, MemoryError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    numbers: dict[int, int] = {}
    for n in range(1000):
        try:
            form = int(rule(n))
        except ArithmeticError as exc:  # plural=n/0, n%0: reported by check_plural_header
            raise ArithmeticError(f"the plural rule fails for n={n} ({exc})") from None
        numbers[form] = numbers.get(form, 0) + 1
    return numbers


def _single_number_forms(po: PoFile) -> set[int]:
    """The plural forms that the catalog's Plural-Forms rule uses for exactly one number."""
    try:
        numbers = _plural_numbers(po)
    except (ArithmeticError, ValueError):
        return set()
    return {form for form, count in numbers.items() if count == 1}


def syntax_problems(po: PoFile, msgfmt: list[tuple[int, str]] | None) -> list[tuple[int, str]]:
    """refpub's own strict reading first (it never depends on msgfmt), then what GNU msgfmt
    adds where it is installed (header checks), at lines refpub did not already report."""
    own = po.all_problems()
    if po.file_problem:
        return own
    seen = {line for line, _ in own}
    # A Plural-Forms refpub cannot use is reported at its own line (check_plural_header); msgfmt
    # reports it at the header's first line.
    plural_reported = plural_rule_problem(po) is not None
    return own + [
        (line, f"syntax: {problem}")
        for line, problem in (msgfmt or ())
        if line not in seen and line - 1 not in seen and not (plural_reported and "plural" in problem)
    ]


# --------------------------------------------------------------------------- checkers
#
# A checker decides itself which messages it applies to (a fuzzy translation is checked for
# nothing but being fuzzy), so the lists below read as what is checked, in the order reported.


@dataclass(frozen=True)
class CatalogToCheck:
    """One parsed catalog, with what its checkers need to know besides its messages."""

    po: PoFile
    rel: str  # the catalog's path in the project, for locations
    lang: str
    domain: str
    glossary: Sequence[Term] = ()
    own_names: Mapping[tuple[str | None, str], str] = field(default_factory=dict)  # from alt_names
    syntax: list[tuple[int, str]] | None = None  # GNU msgfmt's problems; None where it is missing
    report_fuzzy: bool = True
    # Plural forms that may spell their number out (see _single_number_forms): found once per
    # catalog, since it tries 1,000 numbers.
    single_number_forms: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "single_number_forms", frozenset(_single_number_forms(self.po)))

    def at(self, message: Message) -> Location:
        """Where a message's problems are reported: its msgstr line."""
        return Location(self.rel, self.po.msgstr_line(message))


def _error(message: str, location: Location) -> Diagnostic:
    return Diagnostic(Severity.ERROR, message, location)


def _warning(message: str, location: Location) -> Diagnostic:
    return Diagnostic(Severity.WARNING, message, location)


def _is_plural(message: Message) -> bool:
    return isinstance(message.id, (list, tuple))


def _sources(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def _published(message: Message) -> bool:
    """Translated and not fuzzy: a translation that is used (a fuzzy one is not)."""
    return is_translated(message) and not message.fuzzy


def check_syntax(catalog: CatalogToCheck) -> list[Diagnostic]:
    """What the file says that is not PO syntax (see syntax_problems)."""
    return [
        _error(problem, Location(catalog.rel, line)) for line, problem in syntax_problems(catalog.po, catalog.syntax)
    ]


def check_plural_header(catalog: CatalogToCheck) -> list[Diagnostic]:
    """The header's Plural-Forms: there when a message has plural forms, with the number of
    forms the language has."""
    nplurals = catalog.po.num_plurals
    expected = expected_plurals(catalog.lang)
    header = Location(catalog.rel, catalog.po.header_line("Plural-Forms"))
    broken = plural_rule_problem(catalog.po)
    if broken:
        try:
            rule = f"'{get_plural(catalog.lang.replace('-', '_')).plural_forms}'"
        except (ValueError, LookupError, UnknownLocaleError):
            rule = "the language's rule"
        return [_error(f"Plural-Forms: {broken}; write {rule} (CLDR's rule for '{catalog.lang}')", header)]
    if nplurals is None:
        if any(_is_plural(m) for m in catalog.po.messages):
            return [
                _error(
                    "the header has no Plural-Forms but the catalog has plural messages; "
                    f"add one (refpub i18n update writes it for '{catalog.lang}')",
                    header,
                )
            ]
    elif expected is not None and nplurals != expected:
        return [
            _warning(f"Plural-Forms says nplurals={nplurals}, but {catalog.lang} has {expected} plural form(s)", header)
        ]
    return []


def check_plural_forms(catalog: CatalogToCheck, message: Message) -> list[Diagnostic]:
    """A plural message has the header's number of forms, and all of them translated or none."""
    if not _is_plural(message):
        return []
    nplurals = catalog.po.num_plurals
    strings = _strings(message)
    if nplurals is not None and len(strings) != nplurals:
        # msgfmt rejects this whether or not the message is translated.
        return [
            _error(f"{len(strings)} plural form(s) given, the header says nplurals={nplurals}", catalog.at(message))
        ]
    if any(strings) and not all(strings):
        empty = ", ".join(f"msgstr[{i}]" for i, text in enumerate(strings) if not text)
        return [
            _warning(
                f"{empty} empty: until every plural form is translated the source text is shown", catalog.at(message)
            )
        ]
    return []


def check_fuzzy(catalog: CatalogToCheck, message: Message) -> list[Diagnostic]:
    """A fuzzy translation waits for review (reported only with ``report_fuzzy``)."""
    if not (catalog.report_fuzzy and is_translated(message) and message.fuzzy):
        return []
    return [
        _warning(
            "fuzzy translation: the source text changed; review the translation, then remove "
            "the 'fuzzy' flag (until then the source text is shown)",
            catalog.at(message),
        )
    ]


def check_translated_text(catalog: CatalogToCheck, message: Message) -> list[Diagnostic]:
    """Every form of a used translation: no control characters; the placeholders of the
    msgid (interface strings); its HTML tags and its links."""
    if not _published(message):
        return []
    loc = catalog.at(message)
    sources = _sources(message)
    single = catalog.single_number_forms if _is_plural(message) else frozenset()
    found = []
    for index, translation in enumerate(_strings(message)):
        problem = control_character_problem(translation)
        if problem:
            found.append(_error(f"the translation {problem}", loc))
        if catalog.domain != CONTENT_DOMAIN:
            problems = [p for s in sources if (p := format_problem(s, translation))]
            # A plural form used for one number only ("one", "two", "zero") may spell the
            # number out instead of printing it, as GNU msgfmt allows.
            if len(problems) == len(sources) and index not in single:
                found.append(_error(problems[-1], loc))
        problem = html_problem(sources[-1], translation)
        if problem:
            found.append(_error(problem, loc))
        url_errors, url_warnings = url_problems(" ".join(sources), translation)
        found.extend(_error(e, loc) for e in url_errors)
        found.extend(_warning(w, loc) for w in url_warnings)
    return found


def check_own_name(catalog: CatalogToCheck, message: Message) -> list[Diagnostic]:
    """An organisation's name that has its own form in this language (``alt_names``): that form
    is printed, so a different translation is a mistake to correct."""
    key = message_key(message)
    if not _published(message) or key not in catalog.own_names or _strings(message)[0] == catalog.own_names[key]:
        return []
    return [
        _warning(
            f"the organisation's own name in {catalog.lang} is '{catalog.own_names[key]}' (alt_names); "
            "it is used instead of this translation; run `refpub i18n update`",
            catalog.at(message),
        )
    ]


def check_glossary(catalog: CatalogToCheck, message: Message) -> list[Diagnostic]:
    """The glossary's terms rendered as agreed; not in proper names (a text kept as it is, an
    organisation's name) nor in a name that has its own form (``alt_names``)."""
    if not _published(message) or message_key(message) in catalog.own_names:
        return []
    strings, sources = _strings(message), _sources(message)
    context = message.context or ""
    if strings[0] == sources[0] or (context.startswith("organisation:") and context.endswith(":name")):
        return []
    return [
        _warning(
            f"glossary: '{term.term}' should be rendered as '{term.translation}'"
            + (f" (or {', '.join(term.accept)})" if term.accept else ""),
            catalog.at(message),
        )
        for term in missing_terms(list(catalog.glossary), sources[0], strings[0])
    ]


# The checkers, in the order their problems are reported.
CATALOG_CHECKERS: tuple[Callable[[CatalogToCheck], list[Diagnostic]], ...] = (check_syntax, check_plural_header)
MESSAGE_CHECKERS: tuple[Callable[[CatalogToCheck, Message], list[Diagnostic]], ...] = (
    check_plural_forms,
    check_fuzzy,
    check_translated_text,
    check_own_name,
    check_glossary,
)


def check_po(
    po: PoFile,
    rel: str,
    lang: str,
    domain: str,
    reporter: Reporter,
    *,
    glossary: Sequence[Term] = (),
    own_names: Mapping[tuple[str | None, str], str] | None = None,
    syntax: list[tuple[int, str]] | None = None,
    report_fuzzy: bool = True,
) -> None:
    """Report the problems of one parsed catalog: the catalog checkers', then, message by
    message, the message checkers'."""
    catalog = CatalogToCheck(po, rel, lang, domain, glossary, own_names or {}, syntax, report_fuzzy)
    for check in CATALOG_CHECKERS:
        reporter.extend(check(catalog))
    for message in po.messages:
        for check_message in MESSAGE_CHECKERS:
            reporter.extend(check_message(catalog, message))


def warn_stray_catalog_folders(root: Path, reporter: Reporter) -> None:
    """A warning for each folder under locales/ that is not named by a language code (ignored)."""
    from .names import nearest_language

    for name in stray_catalog_folders(root):
        nearest = nearest_language(name)
        rename = f" (such as '{nearest}')" if nearest else ""
        reporter.warning(
            f"'{name}' is not a language code Babel knows: the catalogs in this folder are ignored; "
            f"if they are a language's, rename the folder to its code{rename}",
            Location(f"{LOCALES_FOLDER}/{name}"),
        )


def check_catalogs(
    root: Path,
    languages: tuple[str, ...],
    source_language: str,
    reporter: Reporter,
    *,
    progress: bool = True,
) -> None:
    """Check every catalog of the project's languages (and the two templates' syntax).

    ``progress`` adds warnings about translation work still to do: missing catalogs, strings
    not yet merged, fuzzy translations. ``refpub check`` and ``refpub i18n check`` both include
    them, as warnings (the build falls back to the source language), so a translator's round
    trip ends with a clean check; ``refpub i18n status`` shows how far a language is.
    """
    from .extract import project_content_messages

    current = project_content_messages(root, Reporter())
    wanted = _Wanted({(m.context, m.msgid): (rel, m.line) for rel, m in current}, _check_templates(root, reporter))
    warn_stray_catalog_folders(root, reporter)
    unpublished = unpublished_languages(root, languages)
    for lang in unpublished:
        reporter.warning(
            f"there are catalogs for '{lang}', but '{lang}' is not in `languages` in content/publication.yaml: "
            "they are checked and updated, but not published; add it there to publish it",
            Location(f"{LOCALES_FOLDER}/{lang}"),
        )
    for lang in (*languages, *unpublished):
        if lang == source_language:
            continue
        language = _LanguageToCheck(lang, source_language, load_glossary(root, lang, reporter), {}, progress)
        for _rel, m in current:
            for alt_lang, name in m.alt_names:
                if alt_lang == lang:
                    language.own_names[(m.context, m.msgid)] = name
        for domain in (MESSAGES_DOMAIN, CONTENT_DOMAIN):
            _check_language_catalog(root, language, domain, wanted, reporter)


@dataclass(frozen=True)
class _Wanted:
    """What the catalogs should hold: the content's strings (with where each is written) and the
    keys of each template that exists."""

    content: dict[tuple[str | None, str], tuple[str, int]]
    templates: dict[str, set]

    def missing(self, domain: str, have: set) -> list:
        if domain == CONTENT_DOMAIN:
            return [where for key, where in self.content.items() if key not in have]
        return [key for key in self.templates.get(domain, ()) if key not in have]


@dataclass(frozen=True)
class _LanguageToCheck:
    lang: str
    source_language: str
    glossary: Sequence[Term]
    own_names: dict[tuple[str | None, str], str]  # a name's own spelling in this language (alt_names)
    progress: bool  # also warn of translation work still to do


def _check_templates(root: Path, reporter: Reporter) -> dict[str, set]:
    """Report the syntax problems of the two templates (.pot); domain -> the keys of each."""
    pot_keys: dict[str, set] = {}
    for domain in (MESSAGES_DOMAIN, CONTENT_DOMAIN):
        pot = template_path(root, domain)
        if pot.is_file():
            po = read_po(pot)
            rel = pot.relative_to(root).as_posix()
            syntax = None if po.file_problem else msgfmt_problems(pot)
            for line, problem in syntax_problems(po, syntax):
                reporter.error(problem, Location(rel, line))
            pot_keys[domain] = {message_key(m) for m in po.messages}
    return pot_keys


def _check_language_catalog(
    root: Path, language: _LanguageToCheck, domain: str, wanted: _Wanted, reporter: Reporter
) -> None:
    """Check one catalog of a language, and (with ``progress``) whether it lacks strings or is missing."""
    lang, progress = language.lang, language.progress
    path = catalog_path(root, lang, domain)
    rel = path.relative_to(root).as_posix()
    if not path.is_file():
        if progress and not (domain == MESSAGES_DOMAIN and shipped_catalog_path(lang).is_file()):
            # (a language refpub translates itself needs no interface catalog of the project's)
            reporter.warning(
                f"no {domain} catalog for '{lang}': its strings fall back to {language.source_language}; "
                f"create it with `refpub i18n init {lang}`",
                Location(rel),
            )
        return
    po = read_po(path)
    if po.file_problem:  # too large or unreadable: one error, nothing else to say
        reporter.error(po.file_problem, Location(rel))
        return
    syntax = msgfmt_problems(path)
    check_po(
        po,
        rel,
        lang,
        domain,
        reporter,
        glossary=language.glossary if domain == CONTENT_DOMAIN else (),
        own_names=language.own_names if domain == CONTENT_DOMAIN else None,
        syntax=syntax,
        report_fuzzy=progress,
    )
    missing = wanted.missing(domain, {message_key(m) for m in po.messages})
    if domain == MESSAGES_DOMAIN:  # an interface string refpub translates itself needs no entry of the project's
        shipped = read_messages(shipped_catalog_path(lang), lang)
        missing = [key for key in missing if key not in shipped]
    if missing and progress:
        first = f" (first: {missing[0][0]}:{missing[0][1]})" if domain == CONTENT_DOMAIN else ""
        reporter.warning(
            f"{len(missing)} string(s) are not in this catalog yet{first}; run "
            "`refpub i18n extract` then `refpub i18n update`",
            Location(rel),
        )
