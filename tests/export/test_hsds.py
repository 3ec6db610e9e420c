"""Organisations as an HSDS 3.0 tabular data package, validated with frictionless.

The reference is the specification's own data package: tests/data/hsds/datapackage.json,
copied from github.com/openreferral/specification (datapackage.json, HSDS 3.0.0, commit
279fd2eb3552c349bf698c07c00cc25f5fc8249b; CC BY-SA 4.0).
"""

from __future__ import annotations

import csv
import json
import shutil
import uuid
from pathlib import Path

import pytest

from refpub.build import build

from support import EPOCH, require_module

DATA = Path(__file__).parent.parent / "data"
OFFICIAL = DATA / "hsds" / "datapackage.json"
TABLES = ("organization", "service", "location", "phone", "language", "schedule")

frictionless = require_module("frictionless", "the HSDS package is read with frictionless")


@pytest.fixture(scope="module")
def package(built):
    return built("interchange", only=("hsds",)).out / "hsds"


def official_subset() -> dict:
    """The specification's descriptor, limited to the tables refpub writes.

    Foreign keys to tables refpub does not write (program, contact, service_at_location) are
    left out: frictionless would look for those tables.
    """
    spec = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    resources = [r for r in spec["resources"] if r["name"] in TABLES]
    for r in resources:
        r["schema"]["foreignKeys"] = [
            fk for fk in r["schema"].get("foreignKeys", ()) if fk["reference"]["resource"] in TABLES
        ]
    return {**{k: v for k, v in spec.items() if k != "resources"}, "resources": resources}


def validate(folder: Path, descriptor: dict | None = None):
    package = frictionless.Package(descriptor or official_subset(), basepath=str(folder))
    return package.validate()


def read(folder: Path, name: str) -> list[dict]:
    with open(folder / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_package_is_valid_against_the_hsds_3_schema(package):
    report = validate(package)
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert {t.name for t in report.tasks} == set(TABLES)


def test_validation_can_fail(package, tmp_path):
    broken = tmp_path / "hsds"
    shutil.copytree(package, broken)
    rows = read(broken, "services.csv")
    rows[0]["status"] = "open"  # not in HSDS's enum
    with open(broken / "services.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = validate(broken)
    assert not report.valid


def test_own_descriptor_validates_with_the_extension(package):
    report = validate(package, json.loads((package / "datapackage.json").read_text(encoding="utf-8")))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    spec = {r["name"]: r for r in official_subset()["resources"]}
    for resource in descriptor["resources"]:
        if resource["name"] in TABLES:
            assert resource["schema"] == spec[resource["name"]]["schema"]
    assert [r["name"] for r in descriptor["resources"]] == [*TABLES, "x_refpub_translations"]


def test_tables_hold_the_organisations(package):
    orgs = read(package, "organizations.csv")
    assert [o["name"] for o in orgs] == ["Ushiku no Kai", "Example Support Centre"]
    assert all(uuid.UUID(o["id"]) for o in orgs)
    esc = orgs[1]
    assert (esc["alternate_name"], esc["email"], esc["website"]) == (
        "ESC",
        "info@example.org",
        "https://www.example.org/",
    )
    services = read(package, "services.csv")
    assert [(s["organization_id"], s["name"]) for s in services] == [
        (orgs[0]["id"], "Detention visits"),
        (orgs[1]["id"], "Legal advice"),
        (orgs[1]["id"], "Counselling"),
    ]
    phones = read(package, "phones.csv")
    assert [(p["organization_id"], p["number"]) for p in phones] == [(esc["id"], "+81 3-0000-0000")]
    locations = read(package, "locations.csv")
    assert [(loc["name"], loc["description"]) for loc in locations] == [
        ("Ushiku, Ibaraki", ""),
        ("Tokyo", "1-2-3 Example, Shinjuku-ku, Tokyo"),
    ]
    languages = read(package, "languages.csv")
    assert (
        sorted((lang["code"], lang["name"]) for lang in languages) == [("en", "English")] * 2 + [("ja", "Japanese")] * 2
    )


def test_translations_extension(package):
    orgs = {o["name"]: o["id"] for o in read(package, "organizations.csv")}
    rows = {(r["record_id"], r["field"], r["language"]): r["value"] for r in read(package, "x_refpub_translations.csv")}
    assert rows[(orgs["Ushiku no Kai"], "name", "ja")] == "牛久の会"
    assert rows[(orgs["Example Support Centre"], "description", "ja")] == "英語と日本語での法律相談とカウンセリング。"
    assert rows[(orgs["Example Support Centre"], "x_refpub_id", "")] == "example-support"


def test_ids_are_stable_across_builds(package, tmp_path, epoch):
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent.parent / "roots" / "interchange", root)
    assert build(root, only=["hsds"], jobs=1).ok
    for path in package.iterdir():
        assert (root / "build" / "hsds" / path.name).read_bytes() == path.read_bytes(), path.name
    orgs = root / "content" / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("+81 3-0000-0000", "+81 3-1111-1111"), encoding="utf-8")
    again = build(root, only=["hsds"], jobs=1)
    assert "phones.csv" in {o.path.name for o in again.built}
    assert "+81 3-1111-1111" in (root / "build" / "hsds" / "phones.csv").read_text(encoding="utf-8")


def test_an_edit_rebuilds_only_the_interchange_files_that_show_it(tmp_path, epoch):
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent.parent / "roots" / "interchange", root)
    assert build(root, only=["hsds", "citations"], jobs=1).ok
    orgs = root / "content" / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("Tokyo\n", "Tokyo, Japan\n", 1), encoding="utf-8")
    built = {o.path.name for o in build(root, only=["hsds", "citations"], jobs=1).built}
    assert "locations.csv" in built
    assert not built & {"readings.csl.json", "readings.ris", "readings.bib"}
    readings = root / "content" / "readings.yaml"
    readings.write_text(
        readings.read_text(encoding="utf-8").replace("A documentary.", "A short documentary."), encoding="utf-8"
    )
    built = {o.path.name for o in build(root, only=["hsds", "citations"], jobs=1).built}
    assert built == {"readings.csl.json", "readings.ris", "readings.bib"}


def test_opening_hours_are_schedules_and_addresses_per_language_translations(tmp_path):
    """tests/roots/handout-cafe: structured hours become weekly HSDS schedules of the location,
    an address given per language is the location's description plus translations; valid."""
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent.parent / "roots" / "handout-cafe", root)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = build(root, only=["hsds"], jobs=1)
    mp.undo()
    assert result.ok, result.diagnostics
    folder = root / "build" / "hsds"
    report = validate(folder)
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    locations = {row["id"]: row for row in read(folder, "locations.csv")}
    schedules = read(folder, "schedules.csv")
    by_location: dict[str, list[tuple[str, str, str, str]]] = {}
    for row in schedules:
        by_location.setdefault(locations[row["location_id"]]["description"], []).append(
            (row["freq"], row["byday"], row["opens_at"], row["closes_at"])
        )
    assert by_location["4F Rei Bldg, 1-2-3 Reimachi, Kita-ku, Osaka 530-0000"] == [
        ("WEEKLY", "MO,TU,WE,TH,FR", "10:00:00", "17:00:00")
    ]
    assert by_location["2-3-4 Mihon, Minato-ku, Osaka 552-0000"] == [
        ("WEEKLY", "TU,TH", "13:00:00", "17:00:00"),
        ("WEEKLY", "SA", "10:00:00", "12:00:00"),
    ]
    notes = {row["notes"] for row in schedules}
    assert "Closed on public holidays. Phone first to book." in notes
    note_translations = [
        row
        for row in read(folder, "x_refpub_translations.csv")
        if row["table"] == "schedule" and row["field"] == "notes"
    ]
    assert {(row["language"], row["value"]) for row in note_translations} == {
        ("ja", "祝日は休みです。予約のため、まずお電話ください。"),
        ("ja", "来る前にお電話ください。"),
    }
    translated = [
        row
        for row in read(folder, "x_refpub_translations.csv")
        if row["table"] == "location" and row["language"] == "ja"
    ]
    assert "〒530-0000 大阪府大阪市北区例町1-2-3 例ビル4階" in {row["value"] for row in translated}
    languages = read(folder, "languages.csv")
    assert {"ja", "en", "my", "ar", "ne"} == {row["code"] for row in languages}
