"""The faces refpub typesets with, found once per process through fontconfig.

Latin text is set in a Latin face and Japanese in a Japanese face: the CSS font stacks below
name the Latin family first, so Pango takes Japanese glyphs from the CJK family. A build
without a Japanese face fails early with the package to install, and a character no installed
font can draw is reported with the entry that contains it (never a silent tofu box).
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from ..errors import EnvironmentProblem


@dataclass(frozen=True)
class Face:
    family: str
    package: str  # the Debian package that provides it


LATIN_SERIF = Face("DejaVu Serif", "fonts-dejavu-core")
LATIN_SANS = Face("DejaVu Sans", "fonts-dejavu-core")
JAPANESE_SERIF = Face("Noto Serif CJK JP", "fonts-noto-cjk")
JAPANESE_SANS = Face("Noto Sans CJK JP", "fonts-noto-cjk")
FACES = (LATIN_SERIF, LATIN_SANS, JAPANESE_SERIF, JAPANESE_SANS)

# CSS font stacks, used by every stylesheet through the `fonts` template global.
CSS_STACKS = {
    "serif": f'"{LATIN_SERIF.family}", "{JAPANESE_SERIF.family}", serif',
    "sans": f'"{LATIN_SANS.family}", "{JAPANESE_SANS.family}", sans-serif',
    "serif_ja": f'"{JAPANESE_SERIF.family}", "{LATIN_SERIF.family}", serif',
    "sans_ja": f'"{JAPANESE_SANS.family}", "{LATIN_SANS.family}", sans-serif',
}


def _fc_list(*args: str) -> list[str]:
    if not shutil.which("fc-list"):
        raise EnvironmentProblem(
            "fontconfig (fc-list) is not installed; run `make setup` (or apt-get install fontconfig)"
        )
    result = subprocess.run(["fc-list", *args], capture_output=True, text=True, check=False)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


@cache
def font_file(family: str) -> str | None:
    """The file of the regular style of ``family``, or None if it is not installed."""
    # fontconfig's best match for the plain family is its regular face ("Book" for DejaVu,
    # "Regular" for Noto); fc-match falls back to another family, so check the family name.
    if not shutil.which("fc-match"):
        return None
    result = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}", family], capture_output=True, text=True, check=False
    )
    families, _, path = result.stdout.partition("\t")
    if family not in (f.strip() for f in families.split(",")):
        return None
    return path.strip() or None


# The Debian packages that bring faces for most scripts, in the order to try them.
SCRIPT_FONT_PACKAGES = ("fonts-noto-core", "fonts-noto-extra")


@cache
def language_face(lang: str) -> str | None:
    """The family fontconfig chooses for text in ``lang`` (``fc-match :lang=ur``), or None when
    no installed font covers the language (fontconfig would then fall back to any face)."""
    if not (shutil.which("fc-list") and shutil.which("fc-match")):
        return None
    code = lang.replace("_", "-").lower()
    if not _fc_list(f":lang={code}", "family"):
        return None
    result = subprocess.run(["fc-match", "-f", "%{family[0]}", f":lang={code}"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


def require_faces(faces: Iterable[Face] = FACES) -> None:
    """Fail early, with what to install, when a face the templates use is missing."""
    missing = [face for face in faces if font_file(face.family) is None]
    if missing:
        names = ", ".join(f.family for f in missing)
        packages = " ".join(sorted({f.package for f in missing}))
        raise EnvironmentProblem(
            f"the font(s) {names} are not installed, so text would print as empty boxes; "
            f"install them with `apt-get install {packages}` (or run `make setup`)"
        )


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


@cache
def _primary_coverage() -> frozenset[int]:
    covered: set[int] = set()
    for face in FACES:
        path = font_file(face.family)
        if path:
            covered |= _cmap(path)
    return frozenset(covered)


@lru_cache(maxsize=4096)
def _any_font_has(char: str) -> bool:
    return bool(_fc_list(f":charset={ord(char):x}", "family"))


def _needs_glyph(char: str) -> bool:
    category = unicodedata.category(char)
    # Controls, format characters (joiners, bidi marks) and separators draw nothing.
    return not (category.startswith("C") or category.startswith("Z") or char.isspace())


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` that no installed font can draw."""
    covered = _primary_coverage()
    missing = []
    for char in set(text):
        if ord(char) < 0x80 or ord(char) in covered or not _needs_glyph(char):
            continue
        if not _any_font_has(char):
            missing.append(char)
    return sorted(missing)


SLOW_SUBSETTING_FIX = "apt-get install libharfbuzz-subset0"


@lru_cache(maxsize=1)
def slow_subsetting_reason() -> str | None:
    """Why WeasyPrint would subset fonts with fontTools (about 15x slower with Japanese), or None.

    The same test WeasyPrint makes (weasyprint/pdf/fonts.py): the libharfbuzz-subset library
    must load and HarfBuzz must be at least 4.1.0.
    """
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError):
        return None  # WeasyPrint itself cannot load; the build reports that
    if harfbuzz_subset is None:
        return "the HarfBuzz subsetting library (libharfbuzz-subset) is not installed"
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz is older than 4.1.0"
    return None


def slow_subsetting_warning() -> str | None:
    """The one warning of a build that would subset fonts the slow way, saying what to install."""
    reason = slow_subsetting_reason()
    if reason is None:
        return None
    return (
        f"{reason}, so WeasyPrint subsets fonts with fontTools and every PDF with Japanese text "
        f"takes many times longer (seconds instead of a fraction of one); install it with "
        f"`{SLOW_SUBSETTING_FIX}` (or run `make setup`)"
    )
