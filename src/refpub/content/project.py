"""A refpub project on disk: where its parts live (loading and checking it as a whole is
building/loading.py)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..diagnostics import Diagnostic, Location
from ..errors import BuildError, ProjectNotFound, UsageError
from .model import Content
from .schema import CONTENT_FOLDER  # declared with the content files' names (PUBLICATION_FILE, …)

# The layout of a project, named here and nowhere else (as MkDocs' config names docs_dir and
# site_dir): its source folders, where a language's catalogs and glossary sit, and what refpub
# keeps in the output folder beside the outputs.
LOCALES_FOLDER = "locales"
TEMPLATES_FOLDER = "templates"
CATALOG_FOLDER = "LC_MESSAGES"  # gettext's: locales/<lang>/LC_MESSAGES/<domain>.po
GLOSSARY_FILE = "glossary.yaml"  # locales/<lang>/glossary.yaml
# Where a project's outputs go unless --out says otherwise.
DEFAULT_OUT = "build"
PART_CACHE_FOLDER = ".refpub-cache"  # laid-out parts of the handbook (pdf/partcache.py)
MANIFEST_FILE = ".refpub-manifest.json"  # what the last build read and wrote (building/manifest.py)
LOCK_FILE = ".refpub-lock"  # held by the build writing into the output folder (building/outlock.py)
# The folders of a project's sources: no output may be written into them (a build would replace
# or delete the sources, and --watch would rebuild on its own outputs).
SOURCE_FOLDERS = (CONTENT_FOLDER, LOCALES_FOLDER, TEMPLATES_FOLDER)


def catalog_file(lang: str, domain: str) -> str:
    """A catalog's path in a project, as messages name it: ``locales/ja/LC_MESSAGES/content.po``
    (``lang`` and ``domain`` may be placeholders: ``<lang>``, ``*``)."""
    return f"{LOCALES_FOLDER}/{lang}/{CATALOG_FOLDER}/{domain}.po"


@dataclass(frozen=True)
class ProjectPaths:
    """Where everything of one project is: its folders, each language's catalogs and glossary,
    the output folder and the part cache in it. Made once, from the project folder and
    ``--out``, and handed down (``Project.paths``); no other module types a folder name of the
    layout."""

    root: Path
    out_dir: Path

    @classmethod
    def at(cls, root: Path, out: str | Path | None = None) -> ProjectPaths:
        """The paths of the project in ``root``: outputs in ``out`` (relative to the current
        folder, as the command line gives it), or the project's build/."""
        out_dir = Path(out) if out is not None else root / DEFAULT_OUT
        return cls(root, out_dir if out_dir.is_absolute() else Path.cwd() / out_dir)

    @classmethod
    def find(cls, path: str | Path | None, out: str | Path | None = None) -> ProjectPaths:
        """The paths of the project in folder ``path`` (the current folder by default); raises
        ProjectNotFound if it is not one."""
        return cls.at(find_root(path), out)

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_FOLDER

    @property
    def locales_dir(self) -> Path:
        return self.root / LOCALES_FOLDER

    @property
    def templates_dir(self) -> Path:
        """The project's own templates (they override refpub's: see template_dirs)."""
        return self.root / TEMPLATES_FOLDER

    def catalogs_dir(self, lang: str) -> Path:
        """``locales/<lang>/LC_MESSAGES``: the catalogs of one language."""
        return self.locales_dir / lang / CATALOG_FOLDER

    def catalog(self, lang: str, domain: str) -> Path:
        """``locales/<lang>/LC_MESSAGES/<domain>.po`` (domain: messages or content)."""
        return self.root / catalog_file(lang, domain)

    def catalog_template(self, domain: str) -> Path:
        """``locales/<domain>.pot``, the template ``refpub i18n extract`` writes."""
        return self.locales_dir / f"{domain}.pot"

    def glossary(self, lang: str) -> Path:
        return self.locales_dir / lang / GLOSSARY_FILE

    @property
    def part_cache(self) -> Path:
        """Laid-out parts of the handbook, kept between builds (pdf/partcache.py)."""
        return self.out_dir / PART_CACHE_FOLDER


@dataclass(frozen=True)
class Project:
    """A loaded project: its paths, its content (checked) and the warnings checking it gave."""

    paths: ProjectPaths
    content: Content
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def root(self) -> Path:
        return self.paths.root

    @property
    def languages(self) -> tuple[str, ...]:
        return self.content.publication.languages

    @property
    def source_language(self) -> str:
        return self.content.publication.source_language


def find_root(path: str | Path | None) -> Path:
    root = Path(path if path is not None else ".").resolve()
    if not root.is_dir():
        raise ProjectNotFound(f"{path}: no such directory")
    if not (root / CONTENT_FOLDER).is_dir():
        raise ProjectNotFound(
            f"{root} has no {CONTENT_FOLDER}/ folder; run refpub in a project folder, or create one with `refpub init DIR`"
        )
    return root


def check_out_dir(root: Path, out: Path, option: str = "--out") -> None:
    """A usage error if the output folder (or file) ``out`` is inside one of the project's source
    folders, or the project is inside it (builds would overwrite or delete the sources)."""
    real_out, real_root = out.resolve(), root.resolve()
    for name in SOURCE_FOLDERS:
        source = (root / name).resolve()
        if real_out == source or real_out.is_relative_to(source):
            raise UsageError(
                f"{option} {out}: the output would be written into the project's {name}/ folder, "
                f"which holds its sources; choose a folder outside {name}/ (such as {DEFAULT_OUT}/)"
            )
    if real_root == real_out or real_root.is_relative_to(real_out):
        raise UsageError(
            f"{option} {out}: the project {root} is inside this output folder, whose outputs would replace "
            f"its files; choose a folder of its own (such as {DEFAULT_OUT}/)"
        )


def is_within(path: Path, roots: list[Path]) -> bool:
    """True if the resolved ``path`` is one of ``roots`` (resolved) or inside one of them."""
    return any(path == root or root in path.parents for root in roots)


def default_templates_dir() -> Path:
    return Path(str(files("refpub.templates")))


def template_dirs(project_root: Path | None) -> list[Path]:
    """The folders templates are looked up in: the project's ``templates/``, then refpub's.

    A project's ``templates/`` that is a link to a folder outside the project is refused: the
    templates and everything they reference must be the project's own files.
    """
    dirs = []
    if project_root is not None and (project_root / TEMPLATES_FOLDER).is_dir():
        own = (project_root / TEMPLATES_FOLDER).resolve()
        if not is_within(own, [project_root.resolve()]):
            raise BuildError(
                f"{TEMPLATES_FOLDER}/ is a link to {own}, outside the project; copy the templates into the project",
                Location(TEMPLATES_FOLDER),
            )
        dirs.append(own)
    default = default_templates_dir().resolve()
    if default not in dirs:
        dirs.append(default)
    return dirs
