"""The organisations as an Open Referral directory: an HSDS 3 tabular data package.

``build/hsds/`` holds ``datapackage.json`` and one CSV file per table, as the Human Services
Data Specification 3.0 lays them out (https://docs.openreferral.org), so that another
directory can import refpub's organisations:

* ``organizations.csv``: one row per organisation (name, other name, description, website, email);
* ``services.csv``: one row per service an organisation offers (refpub's ``services`` vocabulary,
  named with the English label), status ``active``;
* ``locations.csv``: one ``physical`` location per organisation that gives an address or a
  region (HSDS's ``address`` table needs the address split into street, city and postal code,
  which refpub does not know: the address as written is the location's ``description``);
* ``phones.csv``: the organisation's phone number;
* ``languages.csv``: the languages the organisation works in, for each of its services;
* ``schedules.csv``: its opening hours, one weekly row (``freq`` WEEKLY, ``byday``, ``opens_at``,
  ``closes_at``, ``notes`` the hours note) per line of ``hours``, for its location (or, without
  one, for each of its services).

An address given per language is the location's ``description`` in the source language (or the
first language given); the others are translations in the extension table below, as are the
translations of the hours note (table ``schedule``, field ``notes``).

Identifiers are UUIDs (HSDS requires them), derived from the entry's id with UUID version 5,
so they stay the same from build to build; ``organizations.csv``'s ``uri`` is left empty and
the refpub id is kept in the extension table below.

HSDS free text is in one language. Translations go into an extension table,
``x_refpub_translations.csv`` (``table``, ``record_id``, ``field``, ``language``, ``value``),
declared in ``datapackage.json`` like the standard tables; importers that do not know it can
ignore it. It also records, under field ``x_refpub_id``, each organisation's refpub id.

The table schemas are HSDS 3.0.0's own (``hsds-3.0-tables.json``, copied from the
openreferral/specification repository), less the foreign keys to tables refpub does not
produce.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from importlib.resources import files
from typing import Any

from ..content.model import Content, Organisation
from ..i18n.catalogs import content_context
from ..i18n.names import language_name
from ..views.labels import SERVICE_LABELS
from .base import Rendered, RenderSession
from .protocol import Inputs, Target, book_settings

KIND = "hsds"
FOLDER = "hsds"
EXTENSION = "x_refpub_translations"
# A fixed namespace: the same refpub id gives the same UUID in every build and every project.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/refpub/refpub#hsds")

_TABLES = ("organization", "service", "location", "phone", "language", "schedule")
_BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def hsds_tables() -> dict:
    """The HSDS 3.0 resources refpub writes, as the specification's datapackage declares them."""
    data = json.loads(files("refpub.export").joinpath("hsds-3.0-tables.json").read_text(encoding="utf-8"))
    return {r["name"]: r for r in data["resources"]}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def organization_uuid(org: Organisation) -> str:
    return _uuid("organization", org.id)


def rows(content: Content, session: RenderSession | None = None) -> dict[str, list[dict]]:
    """table name -> rows (dicts keyed by HSDS field names), for every organisation."""
    tables: dict[str, list[dict]] = {name: [] for name in (*_TABLES, EXTENSION)}
    pub = content.publication
    for org in content.organisations:
        org_id = organization_uuid(org)
        _organization_rows(tables, org, org_id, pub, session)
        service_ids = _service_rows(tables, org, org_id)
        location_id = _location_rows(tables, org, org_id, pub)
        _schedule_rows(tables, org, location_id, service_ids, pub, session)
        if org.phone:
            tables["phone"].append({"id": _uuid("phone", org.id), "organization_id": org_id, "number": org.phone})
    return tables


# Each step of rows adds one organisation's rows to ``tables`` (and their translations to the
# extension table).


def _organization_rows(tables, org: Organisation, org_id: str, pub, session: RenderSession | None) -> None:
    other = org.abbreviation or next(iter(org.alt_names.values()), "")
    tables["organization"].append(
        {
            "id": org_id,
            "name": org.name,
            "alternate_name": other,
            "description": org.description,
            "email": org.email,
            "website": org.url,
        }
    )
    tables[EXTENSION].append(
        {"table": "organization", "record_id": org_id, "field": "x_refpub_id", "language": "", "value": org.id}
    )
    for lang, name in sorted(org.alt_names.items()):
        tables[EXTENSION].append(
            {"table": "organization", "record_id": org_id, "field": "name", "language": lang, "value": name}
        )
    if session is None:
        return
    for lang in pub.languages:
        if lang == session.project.source_language:
            continue
        translations = session.translations(lang)
        for field_name in ("name", "description"):
            source = getattr(org, field_name)
            text = translations.content(content_context("organisation", org.id, field_name), source)
            if source and not text.fallback and str(text) != source:
                tables[EXTENSION].append(
                    {
                        "table": "organization",
                        "record_id": org_id,
                        "field": field_name,
                        "language": lang,
                        "value": str(text),
                    }
                )


def _service_rows(tables, org: Organisation, org_id: str) -> list[str]:
    """A service per kind of help, each with the languages spoken; their ids."""
    service_ids = []
    for service in org.services:
        service_id = _uuid("service", org.id, service)
        service_ids.append(service_id)
        tables["service"].append(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": SERVICE_LABELS.get(service, service),
                "description": "",
                "url": org.url,
                "email": org.email,
                "status": "active",
                "last_modified": f"{org.checked.as_date().isoformat()}T00:00:00Z" if org.checked else "",
            }
        )
        for lang in org.languages:
            tables["language"].append(
                {
                    "id": _uuid("language", org.id, service, lang),
                    "service_id": service_id,
                    "name": language_name(lang),
                    "code": lang,
                }
            )
    return service_ids


def _location_rows(tables, org: Organisation, org_id: str, pub) -> str:
    """The organisation's place, when it has an address or a region; its id, or ""."""
    if not (org.address or org.region):
        return ""
    location_id = _uuid("location", org.id)
    address, address_lang = org.address_in(pub.source_language)
    tables["location"].append(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": org_id,
            "name": org.region,
            "description": address,
        }
    )
    if not isinstance(org.address, str):
        for lang, written in org.address.items():
            if lang != address_lang:
                tables[EXTENSION].append(
                    {
                        "table": "location",
                        "record_id": location_id,
                        "field": "description",
                        "language": lang,
                        "value": written,
                    }
                )
    return location_id


def _schedule_rows(
    tables, org: Organisation, location_id: str, service_ids: list[str], pub, session: RenderSession | None
) -> None:
    """Opening hours: of the place when there is one, else of each service."""
    owners = [("location_id", location_id)] if location_id else [("service_id", s) for s in service_ids]
    for number, line in enumerate(org.hours):
        for owner in owners:
            tables["schedule"].append(
                {
                    "id": _uuid("schedule", org.id, str(number), owner[1]),
                    owner[0]: owner[1],
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": ",".join(_BYDAY[day] for day in line.days),
                    "opens_at": f"{line.opens:%H:%M}:00",
                    "closes_at": f"{line.closes:%H:%M}:00",
                    "notes": org.hours_note,
                }
            )
            if org.hours_note and session is not None:
                tables[EXTENSION].extend(
                    _translations(session, pub, org, "hours_note", "schedule", tables["schedule"][-1]["id"], "notes")
                )


def _translations(
    session: RenderSession, pub, org: Organisation, field_name: str, table: str, record_id: str, column: str
):
    """Extension rows: the translations of ``field_name`` of ``org``, for ``column`` of a record."""
    source = getattr(org, field_name)
    for lang in pub.languages:
        if lang == session.project.source_language:
            continue
        text = session.translations(lang).content(content_context("organisation", org.id, field_name), source)
        if not text.fallback and str(text) != source:
            yield {"table": table, "record_id": record_id, "field": column, "language": lang, "value": str(text)}


def _csv(fields: list[str], records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n", extrasaction="raise")
    writer.writeheader()
    for record in records:
        writer.writerow({k: record.get(k, "") for k in fields})
    return out.getvalue().encode("utf-8")


_EXTENSION_RESOURCE: dict[str, Any] = {
    "name": EXTENSION,
    "path": f"{EXTENSION}.csv",
    "description": "refpub extension: translations of free-text fields of the other tables (HSDS text is single-language), and refpub's own ids (field x_refpub_id).",
    "format": "csv",
    "mediatype": "text/csv",
    "profile": "tabular-data-resource",
    "schema": {
        "fields": [
            {"name": "table", "type": "string", "constraints": {"required": True, "enum": list(_TABLES)}},
            {"name": "record_id", "type": "string", "format": "uuid", "constraints": {"required": True}},
            {"name": "field", "type": "string", "constraints": {"required": True}},
            {
                "name": "language",
                "type": "string",
                "description": "BCP 47 language code of value; empty for x_refpub_id",
            },
            {"name": "value", "type": "string", "constraints": {"required": True}},
        ],
    },
}


def datapackage(content: Content) -> dict:
    produced = set(_TABLES)
    resources = []
    for name in _TABLES:
        resource = json.loads(json.dumps(hsds_tables()[name]))
        schema = resource["schema"]
        schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", ()) if fk["reference"]["resource"] in produced]
        resources.append(resource)
    resources.append(_EXTENSION_RESOURCE)
    pub = content.publication
    return {
        "name": "refpub-organisations",
        "title": pub.title,
        "profile": "tabular-data-package",
        "description": "Support organisations, in the Human Services Data Specification (HSDS) 3.0 tabular format, written by refpub.",
        "x_hsds_version": "3.0.0",
        "resources": resources,
    }


class HsdsExporter:
    kind = KIND

    def targets(self, content: Content) -> list[Target]:
        tables = hsds_tables()
        names = [tables[t]["path"] for t in _TABLES] + [f"{EXTENSION}.csv", "datapackage.json"]
        return [Target(self.kind, f"{FOLDER}/{name}") for name in names]

    def inputs(self, target: Target, content: Content) -> Inputs:
        # The organisations only, with their translations in every language.
        return Inputs(content.organisations, book_settings(content), tuple(content.publication.languages))

    def render(self, target: Target, session: RenderSession) -> Rendered:
        content = session.content
        name = target.filename.split("/", 1)[1]
        if name == "datapackage.json":
            text = json.dumps(datapackage(content), ensure_ascii=False, indent=2) + "\n"
            return Rendered(text.encode("utf-8"))
        tables = hsds_tables()
        data = rows(content, session)
        for table in _TABLES:
            if tables[table]["path"] == name:
                fields = [f["name"] for f in tables[table]["schema"]["fields"]]
                return Rendered(_csv(fields, data[table]))
        fields = [f["name"] for f in _EXTENSION_RESOURCE["schema"]["fields"]]
        return Rendered(_csv(fields, data[EXTENSION]))
