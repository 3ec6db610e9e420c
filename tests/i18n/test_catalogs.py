"""The build's view of the catalogs: translations, fallback to the source, and fresh edits."""

from __future__ import annotations

import os

from refpub.diagnostics import Reporter
from refpub.i18n.catalogs import catalog_path, content_context, load_translations
from refpub.i18n.pofile import read_po, write_po
from refpub.i18n.workflow import extract, update


def test_content_lookup_fallback_and_edit(project):
    reporter = Reporter()
    extract(project, reporter)
    update(project, reporter)
    ctx = content_context("section", "general", "title")
    t = load_translations(project, "ja", "en")
    name = t.content(content_context("organisation", "ushiku-no-kai", "name"), "Ushiku no Kai")
    assert name == "牛久の会"
    assert name.lang == "ja"
    assert not name.fallback
    missing = t.content(ctx, "Key readings")
    assert missing == "Key readings"
    assert missing.lang == "en"
    assert missing.fallback

    path = catalog_path(project, "ja", "content")
    po = read_po(path)
    for m in po.messages:
        if m.context == ctx:
            m.string = "主要文献"
    write_po(path, po)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # same second: still re-read
    assert load_translations(project, "ja", "en").content(ctx, "Key readings") == "主要文献"

    po = read_po(path)
    for m in po.messages:
        if m.context == ctx:
            m.flags.add("fuzzy")
    write_po(path, po)
    fuzzy = load_translations(project, "ja", "en").content(ctx, "Key readings")
    assert fuzzy == "Key readings"
    assert fuzzy.fallback
