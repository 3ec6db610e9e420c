"""The view model: content + translations for one language, as templates see it.

Every translatable field becomes a :class:`~refpub.content.text.Text` that knows its real language, so a
template can mark a fallback with ``lang`` wherever it shows it. One :class:`Localizer` is used
per output, so the number of strings that fell back is counted for that output alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..building.clock import source_date
from ..content.model import Content, Handout, Organisation, PartialDate, Reading
from ..content.text import Text
from ..content.urls import tel_href
from ..i18n.catalogs import Translations, content_context
from ..i18n.names import script_language
from .formats import collation_key, format_hours, format_month, format_partial_date, language_name
from .labels import KIND_LABELS, SERVICE_LABELS


@dataclass
class Localizer:
    """Translations for one output in one language, counting what fell back."""

    translations: Translations
    fallbacks: set[str] = field(default_factory=set)

    @property
    def lang(self) -> str:
        return self.translations.lang

    def field(self, kind: str, entry_id: str | None, field_name: str, source: str) -> Text:
        context = content_context(kind, entry_id, field_name)
        text = self.translations.content(context, source)
        if text.fallback:
            self.fallbacks.add(context)
        return text

    def ui(self, message: str) -> Text:
        translated = self.translations.gettext(message)
        if not self.translations.is_source and translated == message and message in self.translations.missing_messages:
            self.fallbacks.add(f"ui:{message}")
            return Text(message, self.translations.source_lang, fallback=True)
        return Text(translated, self.lang)

    @property
    def fallback_count(self) -> int:
        return len(self.fallbacks)


@dataclass(frozen=True)
class ServiceView:
    id: str
    label: Text


@dataclass(frozen=True)
class ReadingView:
    id: str
    anchor: str
    title: Text
    summary: Text
    note: Text
    publisher: str
    date: str  # formatted for the locale
    date_iso: str
    kind: Text
    authors: tuple[str, ...]
    url: str
    language: str  # language of the original
    language_name: str
    topics: tuple[Text, ...]
    section: str
    source: Reading

    @property
    def fallback(self) -> bool:
        return self.title.fallback or self.summary.fallback


@dataclass(frozen=True)
class OrganisationView:
    id: str
    anchor: str
    name: Text
    # The organisation's name in the other scripts it uses (e.g. English name on a ja page).
    other_names: tuple[Text, ...]
    abbreviation: str
    description: Text
    services: tuple[ServiceView, ...]
    url: str
    email: str
    phone: str
    phone_href: str  # tel:+81… (E.164), or "" for a number that cannot be dialled
    address: Text  # in the page's language when given in it, else as written (with its language)
    region: Text
    languages: tuple[str, ...]  # the languages it serves, named in the page's language
    hours: tuple[str, ...]  # one formatted line per line of opening hours
    hours_note: Text
    checked: str  # formatted month, e.g. "May 2026"
    source: Organisation

    @property
    def fallback(self) -> bool:
        return self.name.fallback or self.description.fallback


@dataclass(frozen=True)
class SectionView:
    id: str
    anchor: str
    title: Text
    description: Text
    readings: tuple[ReadingView, ...]


@dataclass(frozen=True)
class ServiceIndexEntry:
    service: ServiceView
    organisations: tuple[OrganisationView, ...]

    @property
    def anchor(self) -> str:
        return f"service-{self.service.id}"


@dataclass(frozen=True)
class PublicationView:
    lang: str
    source_lang: str
    title: Text
    subtitle: Text
    edition: str
    edition_iso: str
    publisher: str
    latest_url: str
    paper: str
    sections: tuple[SectionView, ...]
    organisations: tuple[OrganisationView, ...]
    service_index: tuple[ServiceIndexEntry, ...]


def edition_date(pub) -> PartialDate:
    """The edition date of the publication: as set, else the build's date (SOURCE_DATE_EPOCH)."""
    if pub.edition:
        return pub.edition
    today = source_date()
    return PartialDate(today.year, today.month, today.day)


class ViewBuilder:
    """Builds views of entries for one language; one instance per output."""

    def __init__(self, content: Content, translations: Translations):
        self.content = content
        self.localizer = Localizer(translations)
        self.lang = translations.lang

    def service(self, service_id: str) -> ServiceView:
        return ServiceView(service_id, self.localizer.ui(SERVICE_LABELS[service_id]))

    def reading(self, r: Reading) -> ReadingView:
        loc = self.localizer
        pub = self.content.publication
        topics = tuple(loc.field("topic", t.id, "title", t.title) for t in (pub.topic(tid) for tid in r.topics) if t)
        return ReadingView(
            id=r.id,
            anchor=f"reading-{r.id}",
            title=loc.field("reading", r.id, "title", r.title),
            summary=loc.field("reading", r.id, "summary", r.summary),
            note=loc.field("reading", r.id, "note", r.note) if r.note else Text("", self.lang),
            publisher=r.publisher,
            date=format_partial_date(r.date, self.lang),
            date_iso=r.date.isoformat() if r.date else "",
            kind=loc.ui(KIND_LABELS[r.kind]),
            authors=r.authors,
            url=r.url,
            language=r.language,
            language_name=language_name(r.language, self.lang),
            topics=topics,
            section=r.section,
            source=r,
        )

    def organisation_name(self, o: Organisation, lang: str | None = None) -> Text:
        """The organisation's own name in ``lang`` if it has one, else the translated name."""
        lang = lang or self.lang
        if lang in o.alt_names:
            return Text(o.alt_names[lang], lang)
        if lang == self.content.publication.source_language:
            return Text(o.name, lang)
        return self.localizer.field("organisation", o.id, "name", o.name)

    def organisation(self, o: Organisation) -> OrganisationView:
        loc = self.localizer
        source_lang = self.content.publication.source_language
        name = self.organisation_name(o)
        others: list[Text] = []
        for text in [Text(o.name, source_lang), *(Text(v, k) for k, v in o.alt_names.items())]:
            if str(text) != str(name) and str(text) not in others:
                others.append(text)
        return OrganisationView(
            id=o.id,
            anchor=f"org-{o.id}",
            name=name,
            other_names=tuple(others),
            abbreviation=o.abbreviation,
            description=loc.field("organisation", o.id, "description", o.description),
            services=tuple(self.service(s) for s in o.services),
            url=o.url,
            email=o.email,
            phone=o.phone,
            phone_href=tel_href(o.phone) if o.phone else "",
            address=self.address(o),
            region=loc.field("organisation", o.id, "region", o.region) if o.region else Text("", self.lang),
            languages=tuple(language_name(code, self.lang) for code in o.languages),
            hours=format_hours(o.hours, self.lang),
            hours_note=loc.field("organisation", o.id, "hours_note", o.hours_note)
            if o.hours_note
            else Text("", self.lang),
            checked=format_month(o.checked, self.lang),
            source=o,
        )

    def address(self, o: Organisation) -> Text:
        """The address in this language if given in it, else the first one given; an address
        written in no declared language is tagged with the language of its script."""
        text, lang = o.address_in(self.lang)
        if lang is None:
            pub = self.content.publication
            lang = script_language(text, self.lang, pub.languages) or self.lang
        return Text(text, lang)

    def publication(self) -> PublicationView:
        content, loc = self.content, self.localizer
        pub = content.publication
        readings_by_section: dict[str, list[ReadingView]] = {s.id: [] for s in pub.sections}
        for r in content.readings:
            if r.section in readings_by_section:
                readings_by_section[r.section].append(self.reading(r))
        sections = tuple(
            SectionView(
                id=s.id,
                anchor=f"section-{s.id}",
                title=loc.field("section", s.id, "title", s.title),
                description=loc.field("section", s.id, "description", s.description)
                if s.description
                else Text("", self.lang),
                readings=tuple(readings_by_section[s.id]),
            )
            for s in pub.sections
        )
        organisations = tuple(self.organisation(o) for o in content.organisations)
        edition = edition_date(pub)
        index = []
        for service_id in SERVICE_LABELS:
            members = tuple(
                sorted(
                    (o for o in organisations if service_id in o.source.services),
                    key=lambda o: collation_key(o.name),
                )
            )
            if members:
                index.append(ServiceIndexEntry(self.service(service_id), members))
        return PublicationView(
            lang=self.lang,
            source_lang=pub.source_language,
            title=loc.field("publication", None, "title", pub.title),
            subtitle=loc.field("publication", None, "subtitle", pub.subtitle) if pub.subtitle else Text("", self.lang),
            edition=format_partial_date(edition, self.lang),
            edition_iso=edition.isoformat(),
            publisher=pub.publisher,
            latest_url=pub.latest_url,
            paper=pub.paper,
            sections=sections,
            organisations=organisations,
            service_index=tuple(index),
        )

    def handout_title(self, handout: Handout) -> Text:
        return self.localizer.field("handout", handout.id, "title", handout.title)
