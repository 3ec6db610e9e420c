"""Merging a template (POT) into a locale's catalog, the way ``msgmerge`` does.

* a message whose context and msgid are unchanged keeps its translation, flags and comments;
* a message whose source changed gets the old translation marked ``fuzzy`` with the previous
  msgid (``#|``), so the translator sees exactly what changed. For content, "the same message"
  means the same context (entry and field), never a merely similar string of another entry;
* messages no longer in the template are kept at the end as obsolete (``#~``) with their flags
  and previous source, and come back with their translation (still fuzzy if it was) if the
  string returns;
* a renamed entry (new id, same field) gets its old translation as fuzzy with the previous
  ``#| msgctxt`` and ``#| msgid``, also when its text was edited at the same time;
* a shared field (``catalogs.SHARED_FIELDS``: a handout's title) whose exact text another
  entry already has translated gets that translation as it is, not fuzzy and with no rename
  hint: the two entries share it, as the build does;
* ``prefill`` gives translations that come from the content itself (an organisation's own name
  in ``alt_names``): they are set exactly and never fuzzy.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping

from babel.messages.catalog import Message

from .catalogs import shared_field
from .pofile import PoFile, is_translated, message_key, previous_context, set_previous_context

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
        set_previous_context(target, previous_context(old))


def _fresh(template_message: Message) -> Message:
    m = copy.deepcopy(template_message)
    m.string = () if isinstance(m.id, (list, tuple)) else ""
    m.user_comments = []
    m.previous_id = []
    set_previous_context(m, None)
    m.flags.discard("fuzzy")
    return m


def _entry_field(context: str | None) -> tuple[str, str] | None:
    """``reading:<id>:title`` -> ("reading", "title"): what kind of entry and which field."""
    parts = (context or "").split(":")
    return (parts[0], parts[-1]) if len(parts) >= 3 else None


def _entry_id(context: str | None) -> str | None:
    parts = (context or "").split(":")
    return ":".join(parts[:-1]) if len(parts) >= 3 else None


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
    # Content whose entry id is gone from the template (a renamed entry): its translations may
    # match a new entry's same field whose text is close, as msgmerge's fuzzy matching would.
    template_entries = {_entry_id(m.context) for m in template.messages}
    orphans: dict[tuple[str, str], dict[str, Message]] = {}
    if by_context:
        for m in old.messages:
            field = _entry_field(m.context)
            if field and is_translated(m) and _entry_id(m.context) not in template_entries:
                orphans.setdefault(field, {}).setdefault(message_key(m)[1], m)

    # Shared fields (a handout's title) translated in an entry that is still there: a new entry
    # with the same text shares the translation as it is.
    shared: dict[tuple[tuple[str, str], str], Message] = {}
    for m in old.messages:
        if (field := shared_field(m.context)) and is_translated(m) and _entry_id(m.context) in template_entries:
            shared.setdefault((field, message_key(m)[1]), m)
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
        elif (field := shared_field(tm.context)) is not None and (field, key[1]) in shared:
            _copy_translation(m, shared[(field, key[1])])  # a second handout of the same title
        else:
            guess = None
            if by_context and tm.context and tm.context in by_ctx:
                guess = by_ctx[tm.context]  # same entry and field: its source text changed
            elif key[1] in by_id:
                guess = by_id[key[1]]  # the same text elsewhere (a renamed id, a shared string)
            elif candidates:
                close = difflib.get_close_matches(key[1], candidates, n=1, cutoff=0.6)
                guess = by_id[close[0]] if close else None
            elif (entry_field := _entry_field(tm.context)) is not None and entry_field in orphans:
                same_field = orphans[entry_field]
                close = difflib.get_close_matches(key[1], list(same_field), n=1, cutoff=0.6)
                guess = same_field.pop(close[0]) if close else None
            if guess is not None and isinstance(guess.id, (list, tuple)) == isinstance(tm.id, (list, tuple)):
                _copy_translation(m, guess)
                used.add(message_key(guess))
                m.flags.add("fuzzy")
                m.previous_id = list(guess.id) if isinstance(guess.id, (list, tuple)) else [guess.id]
                set_previous_context(m, guess.context if guess.context != tm.context else None)
        if key in prefill:
            m.string = prefill[key]
            m.flags.discard("fuzzy")
            m.previous_id = []
            m.user_comments = [c for c in m.user_comments if REVIEW_MARK not in c.lower()]
        if not m.fuzzy:
            m.previous_id = []
            set_previous_context(m, None)
        merged.append(m)

    template_keys = {message_key(m) for m in template.messages}
    gone = [
        m
        for m in old.messages
        if message_key(m) not in template_keys and message_key(m) not in used and is_translated(m)
    ]
    kept_obsolete = [m for k, m in obsolete.items() if k not in template_keys]
    # Obsolete entries keep their flags and previous source, as msgmerge does: a fuzzy
    # translation that comes back is still fuzzy.
    new_obsolete = [copy.deepcopy(m) for m in [*kept_obsolete, *gone]]

    header = list(old.header) if old.header else list(template.header)
    result = PoFile(
        header=header,
        header_comments=list(old.header_comments),
        header_flags=list(old.header_flags),
        messages=merged,
        obsolete=new_obsolete,
    )
    pot_date = template.header_value("POT-Creation-Date")
    if pot_date:
        result.set_header("POT-Creation-Date", pot_date)
    return result
