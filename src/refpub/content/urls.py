"""Which links content may carry. One place, used by the loader and by every renderer."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

# Schemes a reader can follow safely from a PDF or an e-book. `tel:` links are made by the
# handout template from a checked phone number, never taken from content.
SAFE_SCHEMES = ("http", "https", "mailto")

# Characters RFC 3986 never allows in a link (they must be percent-encoded): e-book checkers
# (EPUBCheck) reject a link that has them, and they are what markup injection is made of.
_FORBIDDEN = re.compile(r'[<>"`{}|\\^]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@lru_cache(maxsize=65536)  # every link is checked in every part, page and format that prints it
def check_url(url: str, schemes: tuple[str, ...] = SAFE_SCHEMES) -> str | None:
    """Return why ``url`` is not an acceptable link, or None when it is."""
    if not url:
        return "is empty"
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return "contains spaces or control characters"
    invisible = next((ch for ch in url if unicodedata.category(ch).startswith("C")), None)
    if invisible is not None:
        return f"contains the invisible character U+{ord(invisible):04X}; retype the link"
    if url.startswith("//"):
        return f"starts with '//' and has no scheme; write the full link, such as https:{url}"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"is not a valid link ({exc})"
    scheme = parts.scheme.lower()
    if not scheme:
        return f"has no scheme; write the full link, such as https://{url}"
    if scheme not in schemes:
        allowed = ", ".join(schemes[:-1]) + f" and {schemes[-1]}" if len(schemes) > 1 else schemes[0]
        return f"uses the scheme '{scheme}'; only {allowed} links are allowed"
    forbidden = _FORBIDDEN.search(url)
    if forbidden:
        char = forbidden.group(0)
        return (
            f"contains '{char}', which a link may not have; write it percent-encoded "
            f"(%{ord(char):02X}) or copy the link from the browser's address bar"
        )
    if _BAD_PERCENT.search(url):
        return "has a '%' that is not followed by two hexadecimal digits; write '%' as %25"
    if scheme in ("http", "https") and not parts.hostname:
        return "has no host name"
    if scheme == "mailto" and "@" not in parts.path:
        return "is not an email link (mailto:name@example.org)"
    return None


def is_safe_url(url: str, schemes: tuple[str, ...] = SAFE_SCHEMES) -> bool:
    return check_url(url, schemes) is None


# A phone number written without its country code ("06-0000-0000") is read as one of this
# country's: the publications refpub makes are about Japan. Numbers written with "+" keep theirs.
DEFAULT_PHONE_REGION = "JP"
TEL_LINK = re.compile(r"tel:\+[1-9][0-9]{4,14}")


def tel_href(phone: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """The ``tel:`` link of a phone number as written: E.164 (``06-0000-0000`` in Japan is
    ``tel:+81600000000``, the trunk 0 dropped), or "" when it is not a number that can be dialled
    (it is then printed without a link)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Scripts a single label of a host name may mix: Japanese (kanji, kana and Latin), Chinese
# (Han, Bopomofo and Latin) and Korean (Han, Hangul and Latin), as browsers allow them.
_SCRIPT_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, HAN, …); None for digits
    and punctuation, which every script shares."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ")[0]
    if first in ("CJK", "IDEOGRAPHIC"):
        return "HAN"
    if first.startswith("KATAKANA"):  # KATAKANA-HIRAGANA PROLONGED SOUND MARK
        return "KATAKANA"
    if first in ("FULLWIDTH", "HALFWIDTH") and len(name.split(" ")) > 1:
        return name.split(" ")[1]
    return first or None


def mixed_script_host(url: str) -> str | None:
    """Why the host name of ``url`` may imitate another (a label mixing scripts, as Cyrillic
    'р' in 'refugee.or.jр'), or None. A host wholly in one script (пример.рф) is fine."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    if host.isascii():
        return None
    for label in host.split("."):
        scripts = {s for ch in label if (s := _script(ch))}
        if len(scripts) > 1 and not any(scripts <= mix for mix in _SCRIPT_MIXES):
            shown = " and ".join(s.title() for s in sorted(scripts))
            return (
                f"its host name '{host}' mixes {shown} letters in '{label}', as an address that imitates "
                "another site's does; check it letter by letter (type it again from the organisation's page)"
            )
    return None
