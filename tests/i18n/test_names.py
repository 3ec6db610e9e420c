"""The language of a text from its script (i18n/names.py): one function for the address of an
organisation, the ``lang`` of the web pages and e-books, and the PDF's marked content."""

from __future__ import annotations

import pytest

from refpub.i18n.names import language_scripts, script_language


@pytest.mark.parametrize(
    ("lang", "scripts"),
    [
        ("ja", {"Hani", "Hira", "Kana"}),
        ("ja-x-easy", {"Hani", "Hira", "Kana"}),
        ("ar", {"Arab"}),
        ("ur", {"Arab"}),
        ("my", {"Mymr"}),
        ("zh-Hant", {"Hani"}),
        ("pt-BR", {"Latn"}),
        ("", set()),
    ],
)
def test_the_scripts_of_a_language_come_from_cldr(lang, scripts):
    assert language_scripts(lang) == scripts


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("東京都新宿区高田馬場3-13-3-404", "en", "ja"),  # a Japanese address in an English entry
        ("カード", "ar", "ja"),  # kana, and the prolonged-sound mark that belongs to no one script
        ("Tokyo", "en", None),
        ("Tokyo", "ja", None),  # Latin on a Japanese page: no listed language is written in it
        ("東京都新宿区", "ja", None),
        ("とうきょう", "ja-x-easy", None),
        ("the office of 難民支援協会 in Tokyo", "en", None),  # a Japanese word in an English sentence
        ("UNHCR駐日", "en", None),  # as many of each: the page's language stands
        ("〒160-0022", "en", None),  # no letters
        ("", "en", None),
    ],
)
def test_a_text_in_another_script_is_tagged_with_its_language(text, lang, expected):
    assert script_language(text, lang) == expected


def test_the_languages_to_recognise_are_the_callers():
    assert script_language("منشور تجريبي", "en") is None  # Japanese is the only one by default
    assert script_language("منشور تجريبي", "en", ("ja", "ar", "ur")) == "ar"  # the first that fits
    assert script_language("منشور تجريبي", "ur", ("ja", "ar")) is None  # Urdu is written in it too
