"""Catalogs that would break the build or mislead a translator (issue 30): what passes
`refpub i18n check` never fails the build, odd language codes and folders are located,
oversized catalogs are refused before parsing, and the catalog tools never pretend."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from refpub.i18n.catalogs import catalog_path, usable_interface_messages
from refpub.i18n.checks import format_problem, stray_percent
from refpub.i18n.names import is_known_language, nearest_language

from support import ROOTS, WITH_EPOCH, run_cli


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=root, env={**WITH_EPOCH, "CI": "1"}, timeout=300)


def errors(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if "error:" in line]


def assert_clean_failure(proc: subprocess.CompletedProcess, code: int = 1) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> Path:
    """tests/roots/good with both Japanese catalogs (interface and content), made by refpub."""
    root = tmp_path_factory.mktemp("translated") / "project"
    shutil.copytree(ROOTS / "good", root)
    assert run(root, "i18n", "extract", "-q").returncode == 0
    assert run(root, "i18n", "update", "-q").returncode == 0
    return root


@pytest.fixture
def project(translated, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(translated, root)
    return root


def _translate(root: Path, msgid: str, msgstr: str) -> int:
    """Put ``msgstr`` under ``msgid`` in messages.po; returns the msgstr's line."""
    path = catalog_path(root, "ja", "messages")
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index(f'msgid "{msgid}"') + 1
    assert lines[index].startswith("msgstr ")
    lines[index] = f'msgstr "{msgstr}"'
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


# ----------------------------------------------------------------------------- format strings


@pytest.mark.parametrize(
    ("source", "translation", "wrong"),
    [
        ("Contents", "目次 100% 完成", True),
        ("Contents", "目次 100%% 完成", False),
        ("Edition of %(date)s", "%(date)s版", False),
        ("Edition of %(date)s", "%(date)s版 50%", True),
        ("Edition of %(date)s", "%(dat)s版", True),
        ("Edition of %(date)s", "%(date)版", True),
    ],
)
def test_format_problems_are_those_python_refuses(source, translation, wrong):
    assert (format_problem(source, translation) is not None) is wrong
    variables = {"date": "2026"}
    try:
        translation % variables
        source % variables
        python_refuses = False
    except (TypeError, ValueError, KeyError):
        python_refuses = True
    if python_refuses:
        assert wrong


def test_the_build_never_formats_a_translation_it_cannot(project):
    # Even past the check (as a library call could be): such translations fall back.
    table = {
        (None, "Contents"): "目次 100% 完成",
        (None, "Edition of %(date)s"): "%(dat)s版",
        (None, "Region"): "%(num)s 地域",  # num is given to plural messages only
        (None, "%(num)s reading"): ("%(num)s 件",),
        (None, "Map"): "地図",
    }
    assert usable_interface_messages(table) == {(None, "Map"): "地図", (None, "%(num)s reading"): ("%(num)s 件",)}
    assert stray_percent("100%% %(a)s") is None


def test_a_stray_percent_fails_the_check_not_the_build(project):
    line = _translate(project, "Contents", "目次 100% 完成")
    for args in (("i18n", "check"), ("check",), ("build", "--only", "web")):
        proc = run(project, *args)
        assert_clean_failure(proc)
        assert [e for e in errors(proc) if e.startswith(f"locales/ja/LC_MESSAGES/messages.po:{line}: error: ")]
        assert "'%'" in proc.stderr
    assert not (project / "build" / "web").exists()
    _translate(project, "Contents", "目次 100%% 完成")
    proc = run(project, "build", "--only", "web")
    assert proc.returncode == 0, proc.stderr
    assert "目次 100% 完成" in (project / "build" / "web" / "ja" / "index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- language codes


def test_language_codes_babel_does_not_know():
    assert is_known_language("ja")
    assert is_known_language("pt-BR")
    assert is_known_language("zh-Hant")
    assert not is_known_language("prs")
    assert not is_known_language("backup")
    assert not is_known_language("")
    assert nearest_language("prs") == "fa-AF"  # CLDR's replacement for Dari
    assert nearest_language("jp") == "ja"  # the language of the country JP


@pytest.mark.parametrize("command", [("check",), ("build", "--only", "web"), ("i18n", "check"), ("i18n", "status")])
def test_an_unknown_language_in_publication_yaml_is_located(project, command):
    pub = project / "content" / "publication.yaml"
    text = pub.read_text(encoding="utf-8")
    pub.write_text(text.replace("languages: [en, ja]", "languages: [en, ja, prs]"), encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("languages:"))
    proc = run(project, *command)
    assert_clean_failure(proc)
    located = [e for e in errors(proc) if e.startswith(f"content/publication.yaml:{line}:")]
    assert len(located) == 1
    assert "'prs'" in located[0]
    assert "fa-AF" in located[0]
    assert "i18n init prs" not in proc.stderr
    build = project / "build"
    assert not build.exists() or not [p for p in build.iterdir() if not p.name.startswith(".")]


def test_a_locales_folder_that_is_not_a_language_is_a_warning_and_ignored(project):
    stray = project / "locales" / "backup" / "LC_MESSAGES"
    stray.mkdir(parents=True)
    shutil.copy(catalog_path(project, "ja", "content"), stray / "content.po")
    for args in (("check",), ("build", "--only", "web"), ("i18n", "check"), ("i18n", "status"), ("i18n", "update")):
        proc = run(project, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "locales/backup: warning: 'backup' is not a language code" in proc.stderr, args
    assert not (project / "build" / "web" / "backup").exists()
    assert run(project, "i18n", "init", "backup").returncode == 1


# ----------------------------------------------------------------------------- limits


def test_a_catalog_too_large_is_refused_before_parsing(project, monkeypatch):
    path = catalog_path(project, "ja", "messages")
    with path.open("a", encoding="utf-8") as f:
        f.write("#. " + "x" * (33 * 1024 * 1024) + "\n")
    for args in (("i18n", "check"), ("i18n", "status"), ("build", "--only", "web")):
        proc = run(project, *args)
        assert_clean_failure(proc)
        assert any(
            e.startswith("locales/ja/LC_MESSAGES/messages.po: error: ") and "the limit is" in e for e in errors(proc)
        ), proc.stderr


def test_a_string_too_long_is_a_located_error(project):
    line = _translate(project, "Contents", "目" * 100_001)
    proc = run(project, "i18n", "check")
    assert_clean_failure(proc)
    assert any(e.startswith(f"locales/ja/LC_MESSAGES/messages.po:{line}:") and "100,000" in e for e in errors(proc))


# ----------------------------------------------------------------------------- the tools never pretend


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("rule", ["nplurals=2; plural=n+;", "nplurals=1; plural=n/0;", "nplurals=1; plural=n;"])
def test_update_refuses_a_plural_rule_it_cannot_evaluate_and_leaves_the_catalog(project, rule):
    path = catalog_path(project, "ja", "messages")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("nplurals=1; plural=0;", rule), encoding="utf-8")
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Plural-Forms" in t)
    before = _digest(path)
    proc = run(project, "i18n", "update")
    assert_clean_failure(proc)
    assert _digest(path) == before
    assert any(e.startswith(f"locales/ja/LC_MESSAGES/messages.po:{line}: error: Plural-Forms") for e in errors(proc))
    check = run(project, "i18n", "check")
    assert_clean_failure(check)
    plural_errors = [e for e in errors(check) if "Plural-Forms" in e or "plural expression" in e]
    assert len(plural_errors) == 1
    assert plural_errors[0].startswith(f"locales/ja/LC_MESSAGES/messages.po:{line}:")
    assert "i18n update` writes" not in check.stderr  # update would refuse it


def test_status_of_an_unreadable_catalog_is_an_error(project):
    path = catalog_path(project, "ja", "messages")
    path.write_bytes(path.read_bytes() + b'\nmsgid "x"\nmsgstr "\xff"\n')
    proc = run(project, "i18n", "status")
    assert_clean_failure(proc)
    assert any(e.startswith("locales/ja/LC_MESSAGES/messages.po:") for e in errors(proc))
    row = next(line for line in proc.stdout.splitlines() if line.startswith("ja") and "messages" in line)
    assert "error" in row
    assert "%" not in row


def test_a_bogus_charset_is_one_located_error(project):
    path = catalog_path(project, "ja", "messages")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("charset=UTF-8", "charset=BOGUS"), encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "Content-Type" in t)
    proc = run(project, "i18n", "check")
    assert_clean_failure(proc)
    found = [e for e in errors(proc) if "BOGUS" in e]
    assert len(found) == 1
    assert found[0].startswith(f"locales/ja/LC_MESSAGES/messages.po:{line}: error: ")
    assert "warning: Charset" not in proc.stderr
