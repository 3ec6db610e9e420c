"""Furigana (views/furigana.py): readings of words from the repository's content, alignment of
readings to kanji, the project's reading dictionary and the school-grade levels."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refpub.views.furigana import Segment, align, kanji_within, reading, segments

from support import run_cli

REPO = Path(__file__).resolve().parents[2]
WORDS = REPO / "tests" / "data" / "furigana" / "ja-words.tsv"


def word_list() -> list[tuple[str, str]]:
    rows = []
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, expected = line.split("\t")
            rows.append((word, expected))
    return rows


def repository_dictionary() -> dict[str, str]:
    from refpub.content.load import load_furigana
    from refpub.diagnostics import Reporter

    reporter = Reporter()
    words = dict(load_furigana(REPO, reporter))
    assert not reporter.sorted()
    return words


def test_the_word_list_is_long_enough():
    assert len(word_list()) >= 200


def test_the_analyser_reads_our_content_before_overrides():
    rows = word_list()
    wrong = [(word, expected, reading(word)) for word, expected in rows if reading(word) != expected]
    accuracy = 1 - len(wrong) / len(rows)
    print(f"analyser alone: {len(rows) - len(wrong)}/{len(rows)} ({accuracy:.1%}); wrong: {wrong}")
    # SudachiPy + sudachidict-core read 333 of 336 right (wrong out of context: 日本 にっぽん,
    # 十分 じゅうふん, 山村 さんそん); fugashi + unidic-lite 321.
    assert accuracy >= 0.98, wrong


def test_with_the_repository_dictionary_every_reading_is_right():
    overrides = repository_dictionary()
    wrong = [(w, e, reading(w, overrides)) for w, e in word_list() if reading(w, overrides) != e]
    assert wrong == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("申し込み", [("申", "もう"), ("し", None), ("込", "こ"), ("み", None)]),
        ("取り上げる", [("取", "と"), ("り", None), ("上", "あ"), ("げる", None)]),
        ("難民", [("難民", "なんみん")]),
        ("弁護士", [("弁護士", "べんごし")]),
        ("新しい", [("新", "あたら"), ("しい", None)]),
        ("ベトナム人", [("ベトナム", None), ("人", "じん")]),
    ],
)
def test_readings_go_over_the_kanji_only(word, expected):
    assert [tuple(s) for s in segments(word)] == expected


def test_a_reading_that_does_not_fit_the_kana_goes_over_the_whole_word():
    assert align("2人", "ふたり") == [Segment("2人", "ふたり")]
    assert align("今日", "きょう") == [Segment("今日", "きょう")]


def test_a_sentence_keeps_every_character():
    text = "難民認定の申請者は、東京（品川）の入管に2年間収容された。Tokyo 2026"
    segs = segments(text)
    assert "".join(s.base for s in segs) == text
    readings = {s.base: s.reading for s in segs if s.reading}
    assert readings["東京"] == "とうきょう"
    assert readings["収容"] == "しゅうよう"
    assert not any(s.reading for s in segs if s.base.isascii())


def test_the_dictionary_overrides_whole_words_only():
    overrides = {"日本": "にほん", "難民認定": "なんみんにんてい"}
    assert segments("日本の難民認定", overrides) == [
        Segment("日本", "にほん"),
        Segment("の", None),
        Segment("難民認定", "なんみんにんてい"),
    ]
    # 日本 inside 東日本 and 日本人 is part of another word: the analyser's reading stands.
    assert reading("東日本と日本人", overrides) == "ひがしにほんとにほんじん"


def test_grade_levels():
    assert len(kanji_within("grade-1")) == 80
    assert len(kanji_within("grade-6")) == 1026
    assert len(kanji_within("joyo")) == 2136
    # 東, 京, 学, 校 and 行 are taught in grades 1 and 2: no ruby above grade 3; 難民 keeps its ruby.
    assert segments("難民が東京の学校に行く", level="grade-3") == [
        Segment("難民", "なんみん"),
        Segment("が東京の学校に行く", None),
    ]
    assert segments("難民が東京の学校に行く", level="none") == [Segment("難民が東京の学校に行く", None)]
    # A jukugo with one kanji beyond the level keeps its whole reading.
    assert Segment("収容", "しゅうよう") in segments("収容", level="grade-5")


def test_a_bad_reading_dictionary_gives_located_errors(tmp_path):
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    for name in ("publication.yaml", "readings.yaml", "organisations.yaml"):
        src = REPO / "tests" / "roots" / "good" / "content" / name
        (root / "content" / name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "content" / "furigana.yaml").write_text(
        "牛久: うしく\nうしく: うしく\n入管: nyukan\n難民: 難民\n", encoding="utf-8"
    )
    run = run_cli("check", str(root))
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    out = run.stdout + run.stderr
    assert "content/furigana.yaml:2:1: error: 'うしく' has no kanji" in out
    assert "content/furigana.yaml:3:5: error: the reading of '入管', 'nyukan', must be hiragana or katakana" in out
    assert "content/furigana.yaml:4:5: error: the reading of '難民'" in out
    assert "furigana.yaml:1:" not in out


JAPANESE_TEXT = st.text(
    alphabet=st.sampled_from(list("難民申請東京弁護士収容支援日本人のをにがはです。、ー") + list("<>&\"'ab 12")),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(JAPANESE_TEXT)
def test_ruby_markup_keeps_the_text_and_escapes_it(text):
    """Whatever the text, the markup holds only ruby elements (and spans in PDFs), and its text without the readings
    is the text itself."""
    from lxml import html as lxml_html

    from refpub.views.environment import ruby_markup

    for paged in (False, True):
        marked = ruby_markup(text, "all", {}, paged)
        if marked is None:
            continue
        tree = lxml_html.fragment_fromstring(f"<div>{marked}</div>")
        # (in PDFs a Latin run beside Japanese is a span: views/autospace.py)
        assert {el.tag for el in tree.iter()} <= {"div", "ruby", "rt", "rp", "rb", *(["span"] if paged else [])}
        for annotation in tree.iter("rt", "rp"):
            annotation.drop_tree()
        assert tree.text_content().replace("\u2060", "").replace("\u200b", "") == text
