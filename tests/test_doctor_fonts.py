"""`refpub doctor` names a face for every language of the project, or the package to install."""

from __future__ import annotations

import shutil

import pytest

from refpub.commands import doctor
from refpub.pdf import fonts

from support import ROOTS

pytestmark = pytest.mark.tools  # fontconfig (fc-list, fc-match)


def test_every_language_has_a_face_or_a_package_to_install(tmp_path, monkeypatch):
    root = tmp_path / "rtl"
    shutil.copytree(ROOTS / "rtl", root)
    real = fonts.language_face
    # As on a machine without a face for Arabic script: fontconfig matches nothing for ar.
    monkeypatch.setattr(fonts, "language_face", lambda lang: None if lang == "ar" else real(lang))
    checks = {c.name: c for c in doctor.check_language_fonts(root)}
    assert checks["font for ja"].ok
    assert "CJK" in checks["font for ja"].detail
    assert not checks["font for ar"].ok
    assert "apt-get install fonts-noto-core" in checks["font for ar"].detail


def test_fontconfig_language_match():
    assert "CJK" in (fonts.language_face("ja") or "")
    assert fonts.language_face("zz-not-a-language") is None
