"""Japanese–Latin spacing by layout (views/autospace.py): which runs get a span and on which side,
escaping, the break hints left in place, and where the view layer applies it (Japanese pages of
paged output only; never inside an attribute)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from refpub.i18n.catalogs import Translations
from refpub.views.autospace import END, START, autospace
from refpub.views.environment import make_environment, ruby_markup
from refpub.views.phrases import WORD_JOINER, join_phrases

BOTH = f'<span class="{START} {END}">'


def test_latin_words_and_digits_beside_kanji_and_kana_get_spans():
    assert autospace("東京UNHCR事務所は2024年に") == (f"東京{BOTH}UNHCR</span>事務所は{BOTH}2024</span>年に")
    assert autospace("なんみんフォーラムFRJ") == f'なんみんフォーラム<span class="{START}">FRJ</span>'
    assert autospace("NPO法人") == f'<span class="{END}">NPO</span>法人'
    # a run with spaces inside is one span; its margins only where it touches Japanese
    assert autospace("団体Japan Association for Refugeesの") == (f"団体{BOTH}Japan Association for Refugees</span>の")


def test_no_span_where_no_space_is_due():
    for text in (
        "東京 UNHCR",  # a space is there already
        "（UNHCR）",  # full-width brackets carry their own space (JLReq)
        "H・スレイター",  # the middle dot too
        "English only",
        "ひらがなだけ",
        "",
    ):
        assert autospace(text) is None, text


def test_neighbours_outside_the_text_count():
    """A run at either end of a piece is spaced from the ruby base printed beside it."""
    assert autospace("2024", before="", after="年") == f'<span class="{END}">2024</span>'
    assert autospace("UNHCR", before="京") == f'<span class="{START}">UNHCR</span>'
    assert autospace("UNHCR") is None


def test_break_hints_stay_outside_the_span_and_the_text_is_kept():
    joined = join_phrases("難民支援団体WELgeeの活動についての報告")
    marked = autospace(joined)
    assert marked is not None
    assert re.sub("<[^>]+>", "", str(marked)) == joined
    span = re.search(r"<span[^>]*>(.*?)</span>", str(marked))
    assert span
    assert not span.group(1).startswith(WORD_JOINER)
    assert not span.group(1).endswith(WORD_JOINER)


@given(st.text(alphabet=st.sampled_from(list("<>&\"'東京ａUNHCR2024 のー\u2060・（）")), max_size=40))
def test_escaped_and_nothing_added(text):
    marked = autospace(text)
    if marked is None:
        return
    assert isinstance(marked, Markup)
    assert re.sub(r'<span class="[a-z -]+">|</span>', "", str(marked)) == str(Markup.escape(text))


def test_a_ruby_group_that_starts_with_a_digit_is_spaced():
    marked = ruby_markup("11月2日に", "all", {}, True)
    assert marked is not None
    assert f'<ruby class="{START}"><rt>ふつか</rt><rb>2日</rb></ruby>' in marked
    assert marked.startswith(f'<span class="{END}">1')
    # screens: plain <ruby>, spacing is the reading system's (text-autospace)
    assert "span" not in ruby_markup("11月2日にUNHCR", "all", {}, False)


def _render(lang: str, source: str, phrase_breaking: bool = True) -> str:
    env = make_environment(None, Translations(lang, "en"), phrase_breaking=phrase_breaking)
    return env.from_string(source).render(v="東京UNHCR事務所")


def test_only_japanese_pages_of_paged_output_are_spaced_and_never_in_attributes():
    assert BOTH in _render("ja", "<p>{{ v }}</p>")
    assert _render("ja", '<p title="{{ v|plain }}">x</p>') == '<p title="東京UNHCR事務所">x</p>'
    assert "span" not in _render("en", "<p>{{ v }}</p>")
    assert "span" not in _render("ja", "<p>{{ v }}</p>", phrase_breaking=False)
