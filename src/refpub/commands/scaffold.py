"""``refpub init DIR``: a new publication that passes ``refpub check`` and builds at once.

The files come from ``refpub/scaffold/`` (shipped as package data): two example readings, two
example organisations, a handout, the Japanese catalog of its content (the interface catalog
starts from refpub's own translation, ``refpub/locale/``), a ``templates/`` folder
with a README on overriding, and a ``.gitignore`` for ``build/``. After copying, the translation
templates (``locales/*.pot``) are extracted and the catalogs updated, so they list exactly the
strings of the refpub that is installed.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from ..diagnostics import Reporter, format_text
from ..errors import EnvironmentProblem, RefpubError

# Files whose name in the package differs from their name in a project: setuptools does not
# ship dotfiles as package data.
_RENAMED = {"gitignore": ".gitignore"}
_TITLE_LINE = 'title: "Refugee support in our city"'


class TargetNotEmpty(RefpubError):
    """``refpub init`` never writes into a folder that already has files (a usage error)."""


def scaffold_files() -> dict[str, bytes]:
    """Relative path in the new project -> content, for every scaffold file."""
    files: dict[str, bytes] = {}

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            if child.name == "__pycache__" or child.name.endswith((".pyc", ".py")):
                continue
            rel = f"{prefix}{_RENAMED.get(child.name, child.name)}"
            if child.is_dir():
                walk(child, rel + "/")
            else:
                files[rel] = child.read_bytes()

    walk(resources.files("refpub") / "scaffold", "")
    return files


def init_project(directory: str | Path, title: str | None = None) -> Path:
    """Create a new project in ``directory`` (missing or empty) and return its resolved path."""
    root = Path(directory).expanduser().resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise TargetNotEmpty(
            f"{directory} already exists and is not empty; choose a new folder (refpub init never overwrites files)"
        )
    files = scaffold_files()
    if title:
        publication = files["content/publication.yaml"].decode("utf-8")
        files["content/publication.yaml"] = publication.replace(
            _TITLE_LINE, f"title: {json.dumps(title, ensure_ascii=False)}", 1
        ).encode("utf-8")
    try:
        for rel, data in sorted(files.items()):
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot create {directory} ({exc.strerror}); choose a folder you can write to"
        ) from None
    _refresh_catalogs(root)
    return root


def _refresh_catalogs(root: Path) -> None:
    """``refpub i18n extract`` + ``update``: the .pot files, and catalogs matching this refpub."""
    from ..i18n.workflow import extract, update

    reporter = Reporter()
    extract(root, reporter)
    if not reporter.has_errors:
        update(root, reporter, new_interface=True)  # the interface from refpub/locale/, none from the scaffold
    if reporter.has_errors:  # a bug in the scaffold, not in anything the user did
        raise RefpubError("the new project's catalogs could not be prepared:\n" + format_text(reporter.errors))
