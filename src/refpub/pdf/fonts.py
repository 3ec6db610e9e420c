"""The faces refpub typesets with, found once per process through fontconfig.

Latin text is set in a Latin face and Japanese in a Japanese face: the CSS font stacks below
name the Latin family first, so Pango takes Japanese glyphs from the CJK family. Every other
script a publication is written in (Arabic, Myanmar, Sinhala, …) gets the face fontconfig
matches for its language (`fc-match :lang=my`, with a few preferences in SCRIPT_FONTS), added to
the stacks by font_stacks(). A build without a Japanese face fails early with the package to
install, and a character no installed font can draw is reported with the entry that contains
it (never a silent tofu box).
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from ..errors import EnvironmentProblem
from ..i18n.names import base_language, cldr_code


@dataclass(frozen=True)
class Face:
    family: str
    package: str  # the Debian package that provides it


LATIN_SERIF = Face("DejaVu Serif", "fonts-dejavu-core")
LATIN_SANS = Face("DejaVu Sans", "fonts-dejavu-core")
JAPANESE_SERIF = Face("Noto Serif CJK JP", "fonts-noto-cjk")
JAPANESE_SANS = Face("Noto Sans CJK JP", "fonts-noto-cjk")
FACES = (LATIN_SERIF, LATIN_SANS, JAPANESE_SERIF, JAPANESE_SANS)

BASE_FAMILIES = (LATIN_SERIF.family, LATIN_SANS.family, JAPANESE_SERIF.family, JAPANESE_SANS.family)

# CSS font stacks, used by every stylesheet through the `fonts` template global. These are the
# stacks of a publication in Latin-script languages and Japanese; font_stacks() adds the face of
# every other script the publication is written in.
CSS_STACKS = {
    "serif": f'"{LATIN_SERIF.family}", "{JAPANESE_SERIF.family}", serif',
    "sans": f'"{LATIN_SANS.family}", "{JAPANESE_SANS.family}", sans-serif',
    "serif_ja": f'"{JAPANESE_SERIF.family}", "{LATIN_SERIF.family}", serif',
    "sans_ja": f'"{JAPANESE_SANS.family}", "{LATIN_SANS.family}", sans-serif',
}


@dataclass(frozen=True)
class ScriptFont:
    """The face refpub prefers for a language whose script the Latin and Japanese faces lack,
    and the Debian package that brings it (checked with `apt-file search` on Debian 12)."""

    families: tuple[str, ...]  # in order of preference; the first one installed is used
    package: str


# fontconfig's own choice (`fc-match :lang=xx`) is kept for every other language. It is poor for
# the Arabic script: DejaVu Sans (a Latin face with a basic Arabic range) for ar and fa, the
# display style Noto Kufi Arabic for ur. Urdu readers expect Nastaliq, and Noto Nastaliq Urdu
# (in fonts-noto-core) shapes well, but a PDF set in it has wrong text: Nastaliq draws letters
# that differ only in their dots with one shared glyph, and a PDF font maps each glyph to one
# text, so copying, searching and screen readers get other letters (WeasyPrint 70 writes no
# ActualText; measured in docs/translators.md). Urdu is therefore set in Naskh.
SCRIPT_FONTS = {
    "ar": ScriptFont(("Noto Naskh Arabic", "Noto Sans Arabic"), "fonts-noto-core"),
    "fa": ScriptFont(("Noto Naskh Arabic", "Noto Sans Arabic"), "fonts-noto-core"),
    "ps": ScriptFont(("Noto Naskh Arabic", "Noto Sans Arabic"), "fonts-noto-core"),
    "ckb": ScriptFont(("Noto Naskh Arabic", "Noto Sans Arabic"), "fonts-noto-core"),
    "ur": ScriptFont(("Noto Naskh Arabic", "Noto Sans Arabic"), "fonts-noto-core"),
    "he": ScriptFont(("Noto Serif Hebrew", "Noto Sans Hebrew"), "fonts-noto-core"),
    "my": ScriptFont(("Noto Sans Myanmar",), "fonts-noto-core"),
    "km": ScriptFont(("Noto Sans Khmer",), "fonts-noto-core"),
    "si": ScriptFont(("Noto Sans Sinhala",), "fonts-noto-core"),
    "bn": ScriptFont(("Noto Sans Bengali",), "fonts-noto-core"),
    "ne": ScriptFont(("Noto Sans Devanagari",), "fonts-noto-core"),
    "hi": ScriptFont(("Noto Sans Devanagari",), "fonts-noto-core"),
    "mr": ScriptFont(("Noto Sans Devanagari",), "fonts-noto-core"),
    "ta": ScriptFont(("Noto Sans Tamil",), "fonts-noto-core"),
    "pa": ScriptFont(("Noto Sans Gurmukhi",), "fonts-noto-core"),
    "th": ScriptFont(("Noto Sans Thai",), "fonts-noto-core"),
    "lo": ScriptFont(("Noto Sans Lao",), "fonts-noto-core"),
    "am": ScriptFont(("Noto Sans Ethiopic",), "fonts-noto-core"),
    "ti": ScriptFont(("Noto Sans Ethiopic",), "fonts-noto-core"),
    "hy": ScriptFont(("Noto Sans Armenian",), "fonts-noto-core"),
    "ka": ScriptFont(("Noto Sans Georgian",), "fonts-noto-core"),
}
# Where a language is not in SCRIPT_FONTS: these bring faces for most scripts, in order.
SCRIPT_FONT_PACKAGES = ("fonts-noto-core", "fonts-noto-extra")


def _base_lang(lang: str) -> str:
    return base_language(lang)


def font_package(lang: str) -> str:
    """The Debian package that brings a face for ``lang``'s script."""
    known = SCRIPT_FONTS.get(_base_lang(lang))
    return known.package if known else SCRIPT_FONT_PACKAGES[0]


def _fc_list(*args: str) -> list[str]:
    if not shutil.which("fc-list"):
        raise EnvironmentProblem(
            "fontconfig (fc-list) is not installed; run `make setup` (or apt-get install fontconfig)"
        )
    result = subprocess.run(["fc-list", *args], capture_output=True, text=True, check=False)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


@cache
def installed_fonts_digest() -> str:
    """A digest of the fonts fontconfig offers (file, face, version): installing, removing or
    updating a font changes it, and with it every key of the part cache (pdf/partcache.py)."""
    import hashlib

    lines = sorted(_fc_list("--format", "%{file}\t%{index}\t%{fontversion}\n"))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


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


@cache
def _families_for(code: str) -> frozenset[str]:
    """Every family fontconfig says covers language ``code`` (``fc-list :lang=code family``)."""
    families: set[str] = set()
    for line in _fc_list(f":lang={code}", "family"):
        families.update(name.strip() for name in line.split(","))
    return frozenset(families)


@cache
def language_face(lang: str) -> str | None:
    """The family refpub sets text in ``lang`` with: the first installed face of SCRIPT_FONTS,
    else fontconfig's choice (``fc-match :lang=ur``), or None when no installed font covers the
    language (fontconfig would then fall back to any face)."""
    if not (shutil.which("fc-list") and shutil.which("fc-match")):
        return None
    code = cldr_code(lang).replace("_", "-").lower()
    covering = _families_for(code)
    if not covering:
        return None
    known = SCRIPT_FONTS.get(_base_lang(lang))
    for family in known.families if known else ():
        if family in covering:
            return family
    result = subprocess.run(
        ["fc-match", "-f", "%{family[0]}", f":lang={code}"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


def base_face(lang: str) -> str | None:
    """The face of CSS_STACKS that covers ``lang`` (DejaVu Serif for Turkish, Noto Serif CJK JP
    for Japanese), or None when its script needs a face of its own."""
    if not shutil.which("fc-list"):
        return LATIN_SERIF.family  # nothing to ask: keep the stacks as they are
    covering = _families_for(cldr_code(lang).replace("_", "-").lower())
    return next((family for family in (LATIN_SERIF.family, JAPANESE_SERIF.family) if family in covering), None)


def needs_own_face(lang: str) -> bool:
    """Whether ``lang``'s script is one the Latin and Japanese faces of CSS_STACKS lack."""
    return base_face(lang) is None


@dataclass(frozen=True)
class FontStacks:
    """The `fonts` template global: CSS font stacks for one document.

    A document in a language the Latin and Japanese faces lack puts that language's face first
    in ``serif`` and ``sans`` (so Arabic is set in Naskh, not in DejaVu Sans's Arabic), and every
    stack ends with the faces of the publication's other languages, so text in any of them finds
    its face rather than whatever fontconfig falls back to. ``lang_rules`` sets the text of each
    other such language in its own face (`:lang(ur) { font-family: … }`), for bilingual pages.
    A publication in Latin-script languages and Japanese gets exactly CSS_STACKS.
    """

    serif: str
    sans: str
    serif_ja: str
    sans_ja: str
    lang_rules: str = ""
    faces: tuple[tuple[str, str], ...] = ()  # (language, family) of the languages given a face


def _stack(families: Iterable[str], generic: str) -> str:
    unique = dict.fromkeys(families)
    return ", ".join([*(f'"{family}"' for family in unique), generic])


def font_stacks(languages: Iterable[str], lang: str | None = None) -> FontStacks:
    """The stacks for a document in ``lang`` of a publication in ``languages``."""
    faces = {}
    for language in languages:
        if needs_own_face(language):
            face = language_face(language)
            if face:
                faces[language] = face
    own = [faces[lang]] if lang in faces else []
    others = [face for language, face in faces.items() if language != lang]
    latin_serif, latin_sans = (LATIN_SERIF.family, JAPANESE_SERIF.family), (LATIN_SANS.family, JAPANESE_SANS.family)
    japanese_serif, japanese_sans = (
        (JAPANESE_SERIF.family, LATIN_SERIF.family),
        (JAPANESE_SANS.family, LATIN_SANS.family),
    )
    rules = "".join(
        f":lang({language}) {{ font-family: {_stack([face, *latin_sans], 'sans-serif')}; }}\n"
        for language, face in faces.items()
        if language != lang
    )
    return FontStacks(
        serif=_stack([*own, *latin_serif, *others], "serif"),
        sans=_stack([*own, *latin_sans, *others], "sans-serif"),
        serif_ja=_stack([*japanese_serif, *own, *others], "serif"),
        sans_ja=_stack([*japanese_sans, *own, *others], "sans-serif"),
        lang_rules=rules,
        faces=tuple(faces.items()),
    )


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
    """The code points the font at ``path`` (its first face) maps to glyphs: read by HarfBuzz,
    which reads a CJK font's 45,000 in a few milliseconds (fontTools takes a tenth of a second,
    and every build checks the glyphs of the faces it prints with)."""
    import uharfbuzz

    return frozenset(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(path), 0).unicodes)


@cache
def _coverage(families: tuple[str, ...]) -> frozenset[int]:
    covered: set[int] = set()
    for family in families:
        path = font_file(family)
        if path:
            covered |= _cmap(path)
    return frozenset(covered)


def _primary_coverage() -> frozenset[int]:
    return _coverage(BASE_FAMILIES)


@lru_cache(maxsize=4096)
def _any_font_has(char: str) -> bool:
    return bool(_fc_list(f":charset={ord(char):x}", "family"))


def _needs_glyph(char: str) -> bool:
    category = unicodedata.category(char)
    # Controls, format characters (joiners, bidi marks) and separators draw nothing.
    return not (category.startswith("C") or category.startswith("Z") or char.isspace())


def missing_glyphs(text: str, families: Iterable[str] = ()) -> list[str]:
    """Characters of ``text`` that no installed font can draw, in any script.

    The faces refpub names (the base faces and ``families``) are read directly; any other
    character is looked up in every installed font through fontconfig (`fc-list :charset=…`).
    """
    primary = _primary_coverage()  # tens of thousands of code points: looked up, never copied
    extra = _coverage(tuple(families)) if families else frozenset()
    missing = []
    for char in set(text):
        code = ord(char)
        if code < 0x80 or code in primary or code in extra or not _needs_glyph(char):
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
