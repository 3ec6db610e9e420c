"""Deterministic synthetic refpub projects for the benchmarks.

``generate(root, entries, seed)`` writes a complete project: content/ (readings and
organisations in the proportions of the curated publication, realistic field lengths, some
Japanese source text), and locales/ja/ catalogs that translate every content string and every
interface string into Japanese, so about half of all text typeset is Japanese. The same
``entries`` and ``seed`` always give byte-identical files.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

from refpub.content import schema

REPO = Path(__file__).resolve().parent.parent
SEED = 20261126
SOURCE_DATE_EPOCH = "1764115200"  # every build of a synthetic project: the same bytes on every run
READING_SHARE = 0.75  # the curated publication has 70 readings and 24 organisations
HANDOUTS = 6

# The content model's own vocabularies, so the synthetic entries are always valid ones.
SERVICES = schema.SERVICES
KINDS = schema.READING_KINDS
SECTIONS = (("general", "Key readings"), ("detention", "Asylum seekers in detention"), ("law", "Law and procedure"))
TOPICS = (
    ("detention", "Detention"),
    ("provisional-release", "Provisional release"),
    ("refugee-recognition", "Refugee recognition"),
    ("policy", "Government policy"),
    ("resettlement", "Resettlement"),
    ("health", "Health and medical care"),
    ("work", "Work and employment"),
    ("students", "Students"),
    ("civil-society", "Support groups and NGOs"),
    ("legal-cases", "Court cases"),
    ("personal-stories", "Personal stories"),
    ("myanmar", "Myanmar"),
)
PUBLISHERS = ("Japan Times", "Mainichi", "Nippon.com", "The Diplomat", "NHK World", "Asahi Shimbun", "UNHCR Japan", "")
REGIONS = (
    "Tokyo",
    "Osaka",
    "Nagoya, Aichi",
    "Ushiku, Ibaraki",
    "Yokohama, Kanagawa",
    "Fukuoka",
    "Sapporo, Hokkaido",
    "Kobe, Hyogo",
)

EN_WORDS = (
    "refugee asylum seekers Japan detention centre immigration bureau provisional release court ruling "
    "application recognition status support group volunteers lawyers families children community school "
    "language lessons medical care housing shelter employment policy reform government report interview "
    "experience years journalist researchers university students visit statement human rights procedure "
    "appeal decision system challenges daily life hospital health food clothing network city region"
).split()
JA_WORDS = (
    "難民 申請者 日本 入管 収容 施設 仮放免 裁判 判決 認定 制度 支援 団体 弁護士 家族 子ども 地域 学校 日本語 教室 "
    "医療 住まい 仕事 政策 改正 政府 報告 取材 経験 記者 研究者 大学 学生 面会 人権 手続き 審査 生活 病院 食料 衣類 "
    "ネットワーク ボランティア 相談 窓口 情報 課題 現状 背景 当事者 社会 参加"
).split()
JA_PARTICLES = ("の", "を", "に", "は", "と", "が", "で", "から", "について", "による")
JA_ENDINGS = (
    "について解説している。",
    "を紹介する。",
    "を明らかにした。",
    "の現状を伝える。",
    "を報告している。",
    "を考える。",
)


def _en_sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(EN_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _en_text(rng: random.Random, chars: int) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < chars:
        parts.append(_en_sentence(rng, rng.randint(8, 18)))
    return " ".join(parts)


def _en_title(rng: random.Random) -> str:
    text = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(5, 11)))
    return text[0].upper() + text[1:]


def _ja_sentence(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(3, 6)):
        out.append(rng.choice(JA_WORDS) + rng.choice(JA_PARTICLES))
    return "".join(out) + rng.choice(JA_WORDS) + rng.choice(JA_ENDINGS)


def _ja_text(rng: random.Random, chars: int) -> str:
    parts: list[str] = []
    while sum(len(p) for p in parts) < chars:
        parts.append(_ja_sentence(rng))
    return "".join(parts)


def _ja_title(rng: random.Random) -> str:
    return "".join(rng.choice(JA_WORDS) + rng.choice(JA_PARTICLES) for _ in range(rng.randint(2, 4))) + rng.choice(
        JA_WORDS
    )


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _po(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _Catalog:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, str]] = []

    def add(self, context: str, source: str, translation: str) -> None:
        if source:
            self.entries.append((context, source, translation))

    def text(self) -> str:
        out = io.StringIO()
        out.write(_PO_HEADER)
        for context, source, translation in self.entries:
            out.write(f"\nmsgctxt {_po(context)}\nmsgid {_po(source)}\nmsgstr {_po(translation)}\n")
        return out.getvalue()


_PO_HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: refpub benchmark\\n"\n"Language: ja\\n"\n'
    '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'
)


def _messages_po() -> str:
    """Every interface string of refpub's messages.pot, "translated" (placeholders kept)."""
    from babel.messages.pofile import read_po

    pot = REPO / "locales" / "messages.pot"
    out = io.StringIO()
    out.write(_PO_HEADER)
    if not pot.is_file():
        return out.getvalue()
    with pot.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        ctx = f"msgctxt {_po(message.context)}\n" if message.context else ""
        if isinstance(message.id, (list, tuple)):
            out.write(f"\n{ctx}msgid {_po(message.id[0])}\nmsgid_plural {_po(message.id[1])}\n")
            out.write(f"msgstr[0] {_po('訳・' + message.id[1])}\n")
        else:
            out.write(f"\n{ctx}msgid {_po(message.id)}\nmsgstr {_po('訳・' + message.id)}\n")
    return out.getvalue()


def generate(root: Path, entries: int, seed: int = SEED) -> dict:
    """Write a project of ``entries`` readings + organisations into ``root`` (replacing it)."""
    rng = random.Random(seed * 100_003 + entries)
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    ja_dir = root / "locales" / "ja" / "LC_MESSAGES"
    ja_dir.mkdir(parents=True)
    catalog = _Catalog()
    # The same entries as plain records in each language, for the baselines' documents.
    records: dict[str, list[dict]] = {"en": [], "ja": []}
    n_readings = round(entries * READING_SHARE)
    n_orgs = entries - n_readings

    readings = io.StringIO()
    reading_ids = []
    for i in range(n_readings):
        rid = f"reading-{i:05d}"
        reading_ids.append(rid)
        japanese_source = rng.random() < 0.15  # a few readings are written in Japanese
        title = _ja_title(rng) if japanese_source else _en_title(rng)
        summary = _ja_text(rng, rng.randint(120, 220)) if japanese_source else _en_text(rng, rng.randint(250, 480))
        section = rng.choice(SECTIONS)[0]
        topics = rng.sample([t for t, _ in TOPICS], rng.randint(1, 3))
        year = rng.randint(2008, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.8 else str(year)
        readings.write(f"- id: {rid}\n  title: {_q(title)}\n  summary: {_q(summary)}\n")
        publisher = rng.choice(PUBLISHERS)
        if publisher:
            readings.write(f"  publisher: {_q(publisher)}\n")
        readings.write(
            f"  section: {section}\n  kind: {rng.choice(KINDS)}\n  topics: [{', '.join(topics)}]\n"
            f'  language: {"ja" if japanese_source else "en"}\n  date: "{date}"\n'
        )
        url = f"https://example.org/{rid}" if rng.random() < 0.5 else ""
        if url:
            readings.write(f'  url: "{url}"\n')
        if rng.random() < 0.3:
            readings.write(f"  authors: [{_q(_en_title(rng)[:30].strip())}]\n")
        readings.write("\n")
        ja_title = title if japanese_source else _ja_title(rng)
        ja_summary = summary if japanese_source else _ja_text(rng, len(summary) // 3)
        catalog.add(f"reading:{rid}:title", title, ja_title)
        catalog.add(f"reading:{rid}:summary", summary, ja_summary)
        meta = {"kind": "reading", "id": rid, "section": section, "publisher": publisher, "date": date, "url": url}
        records["en"].append({**meta, "title": title, "text": summary})
        records["ja"].append({**meta, "title": ja_title, "text": ja_summary})

    orgs = io.StringIO()
    org_ids = []
    for i in range(n_orgs):
        oid = f"org-{i:05d}"
        org_ids.append(oid)
        region = rng.choice(REGIONS)
        name = f"{region.split(',')[0]} {_en_title(rng)[:40].strip()} {i}"
        description = _en_text(rng, rng.randint(150, 320))
        services = rng.sample(SERVICES, rng.randint(1, 3))
        orgs.write(f"- id: {oid}\n  name: {_q(name)}\n")
        own_ja_name = _ja_title(rng) + "の会" if rng.random() < 0.5 else ""
        if own_ja_name:
            orgs.write(f"  alt_names:\n    ja: {_q(own_ja_name)}\n")
        orgs.write(f"  description: {_q(description)}\n  services: [{', '.join(services)}]\n")
        orgs.write(
            f'  url: "https://example.org/{oid}"\n  email: "info@{oid}.example.org"\n'
            f'  phone: "+81 3-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"\n'
            f'  region: {_q(region)}\n  checked: "2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"\n\n'
        )
        ja_name = own_ja_name
        if not own_ja_name:  # an organisation's own Japanese name is used as it is
            ja_name = _ja_title(rng) + "センター"
            catalog.add(f"organisation:{oid}:name", name, ja_name)
        ja_description = _ja_text(rng, len(description) // 3)
        catalog.add(f"organisation:{oid}:description", description, ja_description)
        contacts = [f"https://example.org/{oid}", f"info@{oid}.example.org", "+81 3-0000-0000"]
        org = {"kind": "organisation", "id": oid, "region": region, "services": services, "contacts": contacts}
        records["en"].append({**org, "title": name, "other": own_ja_name, "text": description})
        records["ja"].append({**org, "title": ja_name, "other": name, "text": ja_description})

    handouts = []
    handout_orgs: list[str] = []
    for h in range(HANDOUTS):
        chosen_orgs = rng.sample(org_ids, min(3, max(1, len(org_ids) // 2)))
        handout_orgs.extend(chosen_orgs)
        chosen_readings = rng.sample(reading_ids, min(2, max(1, len(reading_ids) // 2)))
        handouts.append(
            f'  - id: handout-{h}\n    title: "Where to find help {h}"\n    pages: 2\n'
            f"    organisations:\n      ids: [{', '.join(chosen_orgs)}]\n"
            f"    readings:\n      ids: [{', '.join(chosen_readings)}]\n"
        )
        catalog.add(f"handout:handout-{h}:title", f"Where to find help {h}", f"支援の窓口 {h}")

    publication = (
        'title: "Refugees and Asylum Seekers in Japan (benchmark)"\n'
        'subtitle: "Key readings and support organisations"\n'
        'source_language: en\nlanguages: [en, ja]\nedition: "2026-11-26"\n'
        'publisher: "refpub benchmarks"\nlatest_url: "https://example.org/latest"\npaper: A4\n'
        "stale_after_months: 12\n\nsections:\n"
        + "".join(f"  - id: {sid}\n    title: {_q(title)}\n" for sid, title in SECTIONS)
        + "\ntopics:\n"
        + "".join(f"  - id: {tid}\n    title: {_q(title)}\n" for tid, title in TOPICS)
        + "\nhandouts:\n"
        + "".join(handouts)
    )
    catalog.add(
        "publication:title", "Refugees and Asylum Seekers in Japan (benchmark)", "日本の難民と庇護希望者(ベンチマーク)"
    )
    catalog.add("publication:subtitle", "Key readings and support organisations", "必読文献と支援団体")
    for sid, title in SECTIONS:
        catalog.add(f"section:{sid}:title", title, _ja_title(rng))
    for tid, title in TOPICS:
        catalog.add(f"topic:{tid}:title", title, _ja_title(rng))

    (root / "content" / "publication.yaml").write_text(publication, encoding="utf-8")
    (root / "content" / "readings.yaml").write_text(readings.getvalue(), encoding="utf-8")
    (root / "content" / "organisations.yaml").write_text(orgs.getvalue(), encoding="utf-8")
    (ja_dir / "content.po").write_text(catalog.text(), encoding="utf-8")
    (ja_dir / "messages.po").write_text(_messages_po(), encoding="utf-8")
    return {
        "entries": entries,
        "readings": n_readings,
        "organisations": n_orgs,
        "handouts": HANDOUTS,
        "edited_organisation": handout_orgs[0],
        "records": records,
    }


def edit_one_organisation(root: Path, org_id: str, counter: int) -> None:
    """Change one organisation's phone number in place (the volunteer's edit)."""
    path = root / "content" / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {org_id}\n")
    phone_at = text.index("  phone: ", start)
    end = text.index("\n", phone_at)
    text = text[:phone_at] + f'  phone: "+81 3-5555-{1000 + counter % 9000}"' + text[end:]
    path.write_text(text, encoding="utf-8")
