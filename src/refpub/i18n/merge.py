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
from dataclasses import dataclass, field

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
    known = _OldTranslations.index(old, template, by_context)
    merged = [_merged_message(tm, known, prefill) for tm in template.messages]
    return _catalog(template, old, merged, _new_obsolete(template, old, known))


@dataclass
class _OldTranslations:
    """The old catalog's translations, indexed by each way a template message may find its own."""

    current: dict[tuple[str | None, str], Message]  # key -> the message of the old catalog
    obsolete: dict[tuple[str | None, str], Message]  # key -> the old catalog's obsolete message (#~)
    by_ctx: dict[str, Message]  # context -> a translated message with it
    by_id: dict[str, Message]  # msgid -> a translated message with it
    candidates: list[str]  # msgids a close (fuzzy) match may come from; none when matched by context
    # (entry kind, field) -> msgid -> a translated message of an entry gone from the template
    orphans: dict[tuple[str, str], dict[str, Message]]
    # (shared field, msgid) -> a translated message of an entry still in the template
    shared: dict[tuple[tuple[str, str], str], Message]
    by_context: bool  # content: a message is known by its context (entry and field)
    used: set[tuple[str | None, str]] = field(default_factory=set)  # keys whose translation was taken

    @classmethod
    def index(cls, old: PoFile, template: PoFile, by_context: bool) -> _OldTranslations:
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
                entry_field = _entry_field(m.context)
                if entry_field and is_translated(m) and _entry_id(m.context) not in template_entries:
                    orphans.setdefault(entry_field, {}).setdefault(message_key(m)[1], m)
        # Shared fields (a handout's title) translated in an entry that is still there: a new entry
        # with the same text shares the translation as it is.
        shared: dict[tuple[tuple[str, str], str], Message] = {}
        for m in old.messages:
            if (shared_as := shared_field(m.context)) and is_translated(m) and _entry_id(m.context) in template_entries:
                shared.setdefault((shared_as, message_key(m)[1]), m)
        obsolete = {message_key(m): m for m in old.obsolete}
        return cls(old.index(), obsolete, by_ctx, by_id, candidates, orphans, shared, by_context)

    def copy_exact(self, m: Message, tm: Message, key: tuple[str | None, str]) -> bool:
        """Give ``m`` the translation of the same message (current, obsolete or a shared field's);
        False when there is none."""
        if key in self.current:
            _copy_translation(m, self.current[key])
            self.used.add(key)
        elif key in self.obsolete and is_translated(self.obsolete[key]):
            _copy_translation(m, self.obsolete[key])
            self.obsolete.pop(key)
        elif (shared_as := shared_field(tm.context)) is not None and (shared_as, key[1]) in self.shared:
            _copy_translation(m, self.shared[(shared_as, key[1])])  # a second handout of the same title
        else:
            return False
        return True

    def guess(self, tm: Message, key: tuple[str | None, str]) -> Message | None:
        """The translation most likely meant for a message the old catalog does not have."""
        if self.by_context and tm.context and tm.context in self.by_ctx:
            return self.by_ctx[tm.context]  # same entry and field: its source text changed
        if key[1] in self.by_id:
            return self.by_id[key[1]]  # the same text elsewhere (a renamed id, a shared string)
        if self.candidates:
            close = difflib.get_close_matches(key[1], self.candidates, n=1, cutoff=0.6)
            return self.by_id[close[0]] if close else None
        if (entry_field := _entry_field(tm.context)) is not None and entry_field in self.orphans:
            same_field = self.orphans[entry_field]
            close = difflib.get_close_matches(key[1], list(same_field), n=1, cutoff=0.6)
            return same_field.pop(close[0]) if close else None
        return None


def _merged_message(tm: Message, known: _OldTranslations, prefill: Mapping[tuple[str | None, str], str]) -> Message:
    """A template message with its translation: the same message's, else a guess marked fuzzy."""
    key = message_key(tm)
    m = _fresh(tm)
    if not known.copy_exact(m, tm, key):
        guess = known.guess(tm, key)
        if guess is not None and isinstance(guess.id, (list, tuple)) == isinstance(tm.id, (list, tuple)):
            _copy_fuzzy(m, tm, guess)
            known.used.add(message_key(guess))
    if key in prefill:
        m.string = prefill[key]
        m.flags.discard("fuzzy")
        m.previous_id = []
        m.user_comments = [c for c in m.user_comments if REVIEW_MARK not in c.lower()]
    if not m.fuzzy:
        m.previous_id = []
        set_previous_context(m, None)
    return m


def _copy_fuzzy(m: Message, tm: Message, guess: Message) -> None:
    """A guessed translation, marked fuzzy with the source it was made for (#| msgid, #| msgctxt)."""
    _copy_translation(m, guess)
    m.flags.add("fuzzy")
    m.previous_id = list(guess.id) if isinstance(guess.id, (list, tuple)) else [guess.id]
    set_previous_context(m, guess.context if guess.context != tm.context else None)


def _new_obsolete(template: PoFile, old: PoFile, known: _OldTranslations) -> list[Message]:
    """The translations no template message took: kept at the end as obsolete (#~)."""
    template_keys = {message_key(m) for m in template.messages}
    gone = [
        m
        for m in old.messages
        if message_key(m) not in template_keys and message_key(m) not in known.used and is_translated(m)
    ]
    kept_obsolete = [m for k, m in known.obsolete.items() if k not in template_keys]
    # Obsolete entries keep their flags and previous source, as msgmerge does: a fuzzy
    # translation that comes back is still fuzzy.
    return [copy.deepcopy(m) for m in [*kept_obsolete, *gone]]


def _catalog(template: PoFile, old: PoFile, merged: list[Message], obsolete: list[Message]) -> PoFile:
    """The merged catalog: the old header (the template's for a new one), the template's date."""
    header = list(old.header) if old.header else list(template.header)
    result = PoFile(
        header=header,
        header_comments=list(old.header_comments),
        header_flags=list(old.header_flags),
        messages=merged,
        obsolete=obsolete,
    )
    pot_date = template.header_value("POT-Creation-Date")
    if pot_date:
        result.set_header("POT-Creation-Date", pot_date)
    return result
