"""Japanese phrase breaking with BudouX, for renderers that cannot do it themselves.

WeasyPrint has no ``word-break: keep-all``; instead, the characters inside each BudouX phrase
are joined with WORD JOINER (U+2060), an invisible character that forbids a break, so lines
break only between phrases. Pango's line breaking (UAX #14) still applies kinsoku: no line
starts with a closing bracket, a small kana or a full stop.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD_JOINER = "\u2060"
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
# Longer phrases are left alone: joining them could force an overflow of a narrow column.
_MAX_PHRASE = 12


@lru_cache(maxsize=1)
def _parser():
    import budoux

    return budoux.load_default_japanese_parser()


def join_phrases(text: str) -> str:
    """Text with breaks allowed only between Japanese phrases; non-Japanese text unchanged."""
    if not text or not _JAPANESE.search(text):
        return text
    out = []
    for phrase in _parser().parse(text):
        if len(phrase) <= _MAX_PHRASE and " " not in phrase:
            out.append(WORD_JOINER.join(phrase))
        else:
            out.append(phrase)
    return "".join(out)
