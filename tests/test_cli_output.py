"""What `refpub` prints outside a terminal (CI, pipes): stable lines, asserted word for word.

Also the errors a person can act on: one sentence saying what to run or change, no traceback.
"""

from __future__ import annotations

import re
import shutil

import pytest

from support import run_cli

PLAIN = {"CI": "true"}
OUTPUT_LINE = re.compile(r"^(built|up to date|failed) +(\S+) \((.+)\)$")
SUMMARY = re.compile(
    r"^built (\d+) outputs? in \d+\.\d s(, \d+ up to date)?(, \d+ failed)?(, \d+ strings? fell back to English)?$"
)


def cli(*args, **kwargs):
    env = {**PLAIN, **kwargs.pop("env", {})}
    return run_cli(*args, env=env, **kwargs)


def test_build_prints_one_line_per_output_and_a_summary(make_project):
    root = make_project("good")
    result = cli("build", "--only", "handbook,reader", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "\x1b[" not in result.stderr  # no colour, no cursor movement
    outputs = {m.group(2): m for m in map(OUTPUT_LINE.match, lines) if m}
    assert set(outputs) == {"handbook-en.pdf", "handbook-ja.pdf", "reader-en.epub", "reader-ja.epub"}
    assert all(m.group(1) == "built" for m in outputs.values())
    assert re.fullmatch(r"\d[\d,]* KiB, \d+\.\d s", outputs["handbook-en.pdf"].group(3))
    assert re.fullmatch(r"\d[\d,]* KiB, \d+\.\d s, \d+ strings? fell back", outputs["handbook-ja.pdf"].group(3))
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    assert summary.group(1) == "4"
    assert summary.group(4)
    # Every other line is a diagnostic, compiler style.
    others = [line for line in lines[:-1] if not OUTPUT_LINE.match(line)]
    assert all(re.match(r"^ *\S+: (warning|error): ", line) for line in others), others


def test_quiet_build_prints_nothing_when_all_is_well(make_project):
    result = cli("build", "-q", "--only", "reader", str(make_project("good")))
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == ""


def test_verbose_build_names_paths_and_pages(make_project):
    root = make_project("good")
    result = cli("build", "-v", "--only", "handbook", "--lang", "en", str(root))
    assert result.returncode == 0, result.stderr
    line = next(m for m in map(OUTPUT_LINE.match, result.stderr.splitlines()) if m)
    assert line.group(2) == str(root.resolve() / "build" / "handbook-en.pdf")
    assert re.search(r"\d+ pages?", line.group(3))
    assert cli("build", "-q", "-v", str(root)).returncode == 2  # one or the other


def test_check_output(make_project):
    root = make_project("good")
    result = cli("check", "-v", str(root))
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert lines[0] == f"checked {root.resolve()}: 3 readings, 2 organisations, 1 handout, languages en, ja"
    assert re.fullmatch(r"0 error\(s\), \d+ warning\(s\)", lines[-1])
    quiet = cli("check", "-q", str(root))
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    broken = cli("check", "-q", str(make_project("broken")))
    assert broken.returncode == 1
    assert broken.stderr.count(": error: ") == 4
    assert "warning" not in broken.stderr


def test_content_errors_stop_the_build_with_every_problem(make_project):
    result = cli("build", str(make_project("broken")))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count(": error: ") == 4
    assert result.stderr.splitlines()[-1] == "refpub: 4 error(s) in the project"


def test_unwritable_output_folder_is_one_sentence(make_project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = cli("build", "--only", "reader", "--out", str(blocker / "build"), str(make_project("good")))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(
        r"^refpub: error: cannot create the output folder .*; choose another with --out$", result.stderr, re.M
    )


@pytest.fixture
def no_fonts(tmp_path):
    """A fontconfig that knows no fonts at all, as on a machine without fonts-noto-cjk."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    return {"FONTCONFIG_FILE": str(conf)}


def test_missing_japanese_font_says_what_to_install(make_project, no_fonts):
    result = cli("build", "--only", "handbook", str(make_project("good")), env=no_fonts)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Noto Serif CJK JP" in result.stderr
    assert "apt-get install fonts-dejavu-core fonts-noto-cjk" in result.stderr


def test_doctor(make_project, no_fonts):
    root = make_project("good")
    result = cli("doctor", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert re.match(
        r"^ok +WeasyPrint: WeasyPrint \d+\.\d+, Pango \d+\.\d+\.\d+$", next(ln for ln in lines if "WeasyPrint:" in ln)
    )
    assert any(re.match(r"^ok +font Noto Sans CJK JP: /", ln) for ln in lines)
    assert any(ln.startswith("ok       catalog locales/ja/LC_MESSAGES/content.po: ") for ln in lines)
    assert any(ln.startswith("ok       output folder: ") for ln in lines)
    assert lines[-1] == "everything refpub needs is here"

    missing = cli("doctor", str(root), env=no_fonts)
    assert missing.returncode == 1
    assert re.search(
        r"^MISSING +font Noto Serif CJK JP: not installed; run `apt-get install fonts-noto-cjk`", missing.stderr, re.M
    )


@pytest.mark.tools
def test_doctor_without_java_says_what_to_install(make_project, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("fc-list", "fc-match"):  # fontconfig, which refpub uses to find fonts
        (bin_dir / tool).symlink_to(shutil.which(tool))
    result = cli("doctor", str(make_project("good")), env={"PATH": str(bin_dir)})
    assert result.returncode == 0  # Java only checks EPUBs; the build does not need it
    assert re.search(
        r"^missing +Java: Java is not installed, so EPUBCheck cannot check the EPUB reader; "
        r"install it with `apt-get install default-jre-headless`",
        result.stderr,
        re.M,
    )


def test_doctor_reports_an_unreadable_catalog(make_project):
    root = make_project("good")
    (root / "locales/ja/LC_MESSAGES/content.po").write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    result = cli("doctor", str(root))
    assert result.returncode == 1
    assert re.search(r"^MISSING +catalog locales/ja/LC_MESSAGES/content.po: cannot be read", result.stderr, re.M)
