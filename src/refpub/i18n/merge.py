"""Merging a template (POT) into a locale's catalog, the way ``msgmerge`` does.

* a message whose context and msgid are unchanged keeps its translation, flags and comments;
* a message whose source changed gets the old translation marked ``fuzzy`` with the previous
  msgid (``#|``), so the translator sees exactly what changed. For content, "the same message"
  means the same context (entry and field), never a merely similar string of another entry;
* messages no longer in the template are kept at the end as obsolete (``#~``), and come back
  with their translation if the string returns;
* ``prefill`` gives translations that come from the content itself (an organisation's own name
  in ``alt_names``): they are set exactly and never fuzzy.
"""

from __future__ import annotations

import copy
import difflib
from typing import Mapping

from babel.messages.catalog import Message

from .pofile import PoFile, is_translated, message_key

REVIEW_MARK = "needs review"


def _copy_translation(target: Message, old: Message) -> None:
    if isinstance(target.id, (list, tuple)) != isinstance(old.id, (list, tuple)):
        return  # singular became plural or back: nothing usable
    target.string = copy.copy(old.string)
    target.user_comments = list(old.user_comments)
    keep = {f for f in old.flags if not f.endswith("-format") and f != "fuzzy"}
    target.flags |= keep
    if old.fuzzy:
        target.flags.add("fuzzy")
        target.previous_id = list(old.previous_id or [])


def _fresh(template_message: Message) -> Message:
    m = copy.deepcopy(template_message)
    m.string = () if isinstance(m.id, (list, tuple)) else ""
    m.user_comments = []
    m.previous_id = []
    m.flags.discard("fuzzy")
    return m


def merge(
    template: PoFile,
    old: PoFile | None,
    *,
    by_context: bool,
    prefill: Mapping[tuple[str | None, str], str] | None = None,
) -> PoFile:
    """A new catalog with the template's messages and the old catalog's translations."""
    old = old or PoFile()
    prefill = prefill or {}
    current = old.index()
    obsolete = {message_key(m): m for m in old.obsolete}
    by_ctx: dict[str, Message] = {}
    by_id: dict[str, Message] = {}
    for m in old.messages:
        if is_translated(m):
            if m.context:
                by_ctx.setdefault(m.context, m)
            by_id.setdefault(message_key(m)[1], m)
    candidates = [k for k in by_id] if not by_context else []

    used: set[tuple[str | None, str]] = set()
    merged: list[Message] = []
    for tm in template.messages:
        key = message_key(tm)
        m = _fresh(tm)
        if key in current:
            _copy_translation(m, current[key])
            used.add(key)
        elif key in obsolete and is_translated(obsolete[key]):
            _copy_translation(m, obsolete[key])
            obsolete.pop(key)
        else:
            guess = None
            if by_context and tm.context and tm.context in by_ctx:
                guess = by_ctx[tm.context]  # same entry and field: its source text changed
            elif key[1] in by_id:
                guess = by_id[key[1]]  # the same text elsewhere (a renamed id, a shared string)
            elif candidates:
                close = difflib.get_close_matches(key[1], candidates, n=1, cutoff=0.6)
                guess = by_id[close[0]] if close else None
            if guess is not None and isinstance(guess.id, (list, tuple)) == isinstance(tm.id, (list, tuple)):
                _copy_translation(m, guess)
                used.add(message_key(guess))
                m.flags.add("fuzzy")
                m.previous_id = list(guess.id) if isinstance(guess.id, (list, tuple)) else [guess.id]
        if key in prefill:
            m.string = prefill[key]
            m.flags.discard("fuzzy")
            m.previous_id = []
            m.user_comments = [c for c in m.user_comments if REVIEW_MARK not in c.lower()]
        if not m.fuzzy:
            m.previous_id = []
        merged.append(m)

    template_keys = {message_key(m) for m in template.messages}
    gone = [
        m for m in old.messages
        if message_key(m) not in template_keys and message_key(m) not in used and is_translated(m)
    ]
    kept_obsolete = [m for k, m in obsolete.items() if k not in template_keys]
    new_obsolete = []
    for m in [*kept_obsolete, *gone]:
        m = copy.deepcopy(m)
        m.previous_id = []
        m.flags = {f for f in m.flags if f == "fuzzy"}
        new_obsolete.append(m)

    header = list(old.header) if old.header else list(template.header)
    result = PoFile(header=header, header_comments=list(old.header_comments), messages=merged, obsolete=new_obsolete)
    pot_date = template.header_value("POT-Creation-Date")
    if pot_date:
        result.set_header("POT-Creation-Date", pot_date)
    return result
