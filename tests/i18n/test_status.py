"""status: the numbers a translator and a release manager rely on."""

from __future__ import annotations

import json

from refpub.diagnostics import Reporter
from refpub.i18n.catalogs import catalog_path
from refpub.i18n.pofile import read_po, write_po
from refpub.i18n.workflow import catalog_status, extract, update


def test_status_counts(project, refpub):
    reporter = Reporter()
    extract(project, reporter)
    update(project, reporter)
    path = catalog_path(project, "ja", "content")
    po = read_po(path)
    total = len(po.messages)
    by_ctx = {m.context: m for m in po.messages}
    by_ctx["section:general:title"].string = "主要文献"
    by_ctx["section:general:description"].string = "ここから始めましょう。"
    by_ctx["section:detention:title"].string = "収容"
    by_ctx["section:detention:title"].user_comments = ["machine-translated: needs review"]
    by_ctx["topic:detention:title"].string = "収容"
    by_ctx["topic:detention:title"].flags.add("fuzzy")
    write_po(path, po)

    status = catalog_status(project, "ja", "content")
    c = status.counts
    # own name of ushiku-no-kai + 3 section strings translated; 1 fuzzy; the rest untranslated
    assert (c.translated, c.fuzzy, c.untranslated, c.total) == (4, 1, total - 5, total)
    assert c.needs_review == 1
    assert c.percent == round(100 * 4 / total, 1)
    assert status.by_kind["section"].percent == 100.0
    assert status.by_kind["organisation"].translated == 1

    result = refpub(project, "i18n", "status", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    content = next(c for c in data["catalogs"] if c["catalog"] == "content")
    assert content["language"] == "ja"
    assert (content["translated"], content["fuzzy"], content["total"], content["needs_review"]) == (4, 1, total, 1)
    assert content["by_kind"]["section"]["percent"] == 100.0

    table = refpub(project, "i18n", "status").stdout
    assert "needs review" in table.splitlines()[0]
    assert any(line.split()[:2] == ["ja", "content"] for line in table.splitlines())
