"""The build manifest: for every output, a digest of exactly the inputs it was made from.

``build/.refpub-manifest.json`` (written atomically after each build) answers two questions:

1. *Is the whole build a no-op?* :func:`fingerprint` hashes every input file of the project
   (content, catalogs, project and packaged templates, refpub's own code, the installed
   packages' versions) with the build's options and clock. It needs only the standard library,
   so a no-op build is decided before YAML is parsed or WeasyPrint, ebooklib, Jinja2, Babel or
   fontTools are imported.
2. *Which outputs changed?* When the fingerprint differs, the content is loaded and
   :func:`output_digests` computes one digest per output over what that output shows, as its
   exporter declares it (``Exporter.inputs``, see export/protocol.py): a handbook or reader
   depends on every entry and on the catalogs of its own language; a handout on its own
   definition, the entries it selects (after selection, so an edit that changes the selection
   changes the digest) and, in the catalogs of its languages, the messages of those entries
   only. The manifest hashes what it is given and knows no output by name.

An output is up to date only when its recorded digest matches and the file on disk is the one
the build wrote (same size and modification time). When in doubt, the output is rebuilt.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from ..content.project import MANIFEST_FILE as MANIFEST_NAME  # re-exported
from ..content.project import ProjectPaths
from ..export.protocol import Target
from ..version import __version__

FORMAT = 1


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        found.extend(Path(dirpath) / name for name in filenames if not name.endswith((".pyc", ".mo")))
    return sorted(found)


def _tree_digest(folder: Path, label: str) -> str:
    """A digest of every file under ``folder``: relative names and bytes."""
    h = hashlib.sha256(label.encode())
    for path in _files_under(folder):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _package_dir(name: str) -> Path | None:
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class Environment:
    """Digests of what every output depends on besides the project's content and catalogs."""

    code: str  # refpub's version and source, and the versions of the packages it uses
    templates: str  # the project's templates/ and the packaged default templates
    clock: str  # SOURCE_DATE_EPOCH, or the day (see clock())

    @property
    def digest(self) -> str:
        return _sha(self.code, self.templates, self.clock)


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _normalised(name: str) -> str:
    # PEP 503 names, spelled as dist-info folder names spell them.
    return re.sub(r"[-_.]+", "_", name).lower()


def _installed_distributions() -> dict[str, Path]:
    """{normalised name: dist-info folder} of every distribution on sys.path's site folders."""
    found: dict[str, Path] = {}
    for entry in sys.path:
        if not entry or not entry.endswith("-packages") or not os.path.isdir(entry):
            continue
        for name in sorted(os.listdir(entry)):
            if name.endswith(".dist-info"):
                found.setdefault(_normalised(name.split("-", 1)[0]), Path(entry) / name)
    return found


def _runtime_requirements(dist_info: Path) -> list[str]:
    """The names a distribution requires outside any extra, read from its METADATA headers."""
    names = []
    try:
        with open(dist_info / "METADATA", encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    break  # the headers end at the first blank line; the description follows
                if not line.startswith("Requires-Dist:"):
                    continue
                requirement, _, marker = line[len("Requires-Dist:") :].partition(";")
                match = _REQUIREMENT_NAME.match(requirement.strip())
                if match and "extra" not in marker:
                    names.append(_normalised(match.group()))
    except OSError:
        pass
    return names


def _dependency_versions() -> str:
    """The installed versions of every package refpub runs with: refpub's own runtime
    requirements (its installed metadata, so a dependency added to pyproject.toml is covered
    without a list to keep) and theirs, transitively. Upgrading any of them (WeasyPrint, pikepdf,
    uharfbuzz, PyICU, Pillow...) can change the bytes of an output, so it changes the digest.

    Only dist-info folder names and METADATA headers are read: nothing is imported. Run from a
    source tree without refpub installed, every installed distribution counts.
    """
    installed = _installed_distributions()
    if "refpub" not in installed:
        return "\n".join(sorted(path.name for path in installed.values()))
    seen: set[str] = set()
    pending = _runtime_requirements(installed["refpub"])
    while pending:
        name = pending.pop()
        if name in seen or name not in installed:
            continue
        seen.add(name)
        pending.extend(_runtime_requirements(installed[name]))
    return "\n".join(sorted(installed[name].name for name in seen))


@cache
def code_digest() -> str:
    """refpub's version and source and the versions of what it renders with: the code of this
    process, so it is read once (the build's inputs and the part cache's salt both use it)."""
    package = Path(__file__).resolve().parent.parent  # all of refpub, not only building/
    return _sha(__version__, sys.version, _tree_digest(package, "refpub"), _dependency_versions())


def default_templates_digest() -> str:
    default = _package_dir("refpub.templates")
    return _tree_digest(default, "default") if default else ""


def templates_digest(root: Path) -> str:
    return _sha(_tree_digest(ProjectPaths.at(root).templates_dir, "project"), default_templates_digest())


def clock() -> str:
    """The build's clock, as far as outputs can show it.

    With SOURCE_DATE_EPOCH the outputs are reproducible and depend on it alone. Without it, an
    output may print the day of the build (the edition date of a publication that sets none),
    so the day is part of every digest: the first build of a new day rebuilds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return f"epoch:{epoch}"
    return f"day:{_dt.datetime.now(tz=_dt.timezone.utc).date().isoformat()}"


def environment(root: Path) -> Environment:
    return Environment(code_digest(), templates_digest(root), clock())


def fingerprint(root: Path, env: Environment, options: dict) -> str:
    """Everything a build reads, as one digest: the no-op test, made without parsing anything.

    Includes every file under content/ and locales/ and today's date (``refpub check``'s
    warnings about stale contacts depend on it).
    """
    paths = ProjectPaths.at(root)
    return _sha(
        env.digest,
        _tree_digest(paths.content_dir, "content"),
        _tree_digest(paths.locales_dir, "locales"),
        json.dumps(options, sort_keys=True),
        _dt.date.today().isoformat(),
    )


# ----------------------------------------------------------------------------- per output


def _entry_repr(entry) -> str:
    # Dataclass reprs leave out source locations (repr=False): moving an entry within its file
    # changes no output, editing any field does.
    return repr(entry)


def split_by_context(messages: dict) -> tuple[str, dict[str, str]]:
    """A catalog as the build reads it (``i18n.catalogs.read_messages``: the translated, non-fuzzy
    messages): (a digest of the messages without a content context, {msgctxt: digest}).

    The header, obsolete entries, comments and the order of the file change no output, so they
    change no digest either.
    """
    common = hashlib.sha256()
    by_context: dict[str, hashlib._Hash] = {}
    for (context, msgid), string in sorted(messages.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        entry = repr((msgid, string)).encode("utf-8") + b"\0"
        if context is None:
            common.update(entry)
        else:
            by_context.setdefault(context, hashlib.sha256()).update(entry)
    return common.hexdigest(), {k: v.hexdigest() for k, v in by_context.items()}


@dataclass
class _Catalogs:
    """Catalogs of a project, read once each and digested by context."""

    root: Path
    _split: dict = field(default_factory=dict)

    def split(self, lang: str, domain: str) -> tuple[str, dict[str, str]]:
        # Read through the build's own cache of parsed catalogs: the render that follows (in
        # this process, or in workers forked from it) finds them parsed already.
        from ..i18n.catalogs import catalog_path, read_messages

        key = (lang, domain)
        if key not in self._split:
            self._split[key] = split_by_context(read_messages(catalog_path(self.root, lang, domain), lang))
        return self._split[key]


def _content_contexts(catalog: dict[str, str], prefixes: tuple[str, ...]) -> str:
    return _sha(*(f"{k}={v}" for k, v in sorted(catalog.items()) if k.startswith(prefixes)))


def output_digests(root: Path, targets, inputs_of, env: Environment) -> dict[str, str]:
    """filename -> digest of the inputs of that output (see the module docstring).

    ``inputs_of(target)`` is the exporter's :class:`~refpub.export.protocol.Inputs`: the manifest
    hashes exactly what it is given and knows nothing of the kinds of output.
    """
    catalogs = _Catalogs(root)
    entry_digests: dict[int, str] = {}  # one digest of each entry, however many outputs show it
    digests: dict[str, str] = {}
    for target in targets:
        inputs = inputs_of(target)
        target_key = repr((target.kind, target.filename, target.lang, target.handout_id, target.variant))
        parts = [env.digest, target_key, _entry_repr(inputs.settings)]
        for entry in inputs.entries:
            if id(entry) not in entry_digests:
                entry_digests[id(entry)] = _sha(_entry_repr(entry))
            parts.append(entry_digests[id(entry)])
        for lang in inputs.languages:
            # The catalogs as the build reads them: a translator's comment changes no output.
            messages_common, messages = catalogs.split(lang, "messages")
            content_common, content_ctx = catalogs.split(lang, "content")
            parts += [lang, messages_common, _sha(*sorted(f"{k}={v}" for k, v in messages.items()))]
            parts += [content_common, _content_contexts(content_ctx, inputs.contexts or ("",))]
        digests[target.filename] = _sha(*parts)
    return digests


# ----------------------------------------------------------------------------- the file


def target_record(target) -> dict:
    return {
        "kind": target.kind,
        "filename": target.filename,
        "lang": target.lang,
        "handout_id": target.handout_id,
        "variant": target.variant,
    }


def diagnostic_record(d) -> dict:
    loc = d.location
    return {
        "severity": d.severity.value,
        "message": d.message,
        "location": [loc.file, loc.line, loc.column] if loc else None,
    }


def diagnostic_from_record(record: dict):
    from ..diagnostics import Diagnostic, Location, Severity

    loc = record.get("location")
    return Diagnostic(Severity(record["severity"]), record["message"], Location(*loc) if loc else None)


@dataclass
class Manifest:
    """What the last builds into one output folder wrote, and from which inputs."""

    outputs: dict[str, dict] = field(default_factory=dict)  # filename -> record
    last_build: dict = field(default_factory=dict)  # fingerprint, targets, diagnostics

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        try:
            data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        return cls(dict(data.get("outputs") or {}), dict(data.get("last_build") or {}))

    def write(self, out_dir: Path) -> None:
        from .fsio import atomic_write_text

        data = {"format": FORMAT, "outputs": self.outputs, "last_build": self.last_build}
        atomic_write_text(
            out_dir / MANIFEST_NAME, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        )

    # -- questions --------------------------------------------------------------
    def file_intact(self, out_dir: Path, filename: str) -> bool:
        """The output on disk is still the file this build wrote."""
        record = self.outputs.get(filename)
        if not record:
            return False
        try:
            size, mtime_ns = _output_stat(out_dir / filename)
        except OSError:
            return False
        return size == record.get("size") and mtime_ns == record.get("mtime_ns")

    def is_current(self, out_dir: Path, filename: str, digest: str) -> bool:
        record = self.outputs.get(filename) or {}
        return bool(record) and record.get("digest") == digest and self.file_intact(out_dir, filename)

    def unchanged_build(self, out_dir: Path, fingerprint_: str) -> list[Target] | None:
        """The targets of the last build if nothing it read has changed and its outputs are intact."""
        last = self.last_build
        if not last or last.get("fingerprint") != fingerprint_:
            return None
        targets = [Target(**t) for t in last.get("targets", ())]
        if not all(self.file_intact(out_dir, t.filename) for t in targets):
            return None
        return targets

    # -- updates ------------------------------------------------------------------
    def record_output(self, out_dir: Path, filename: str, digest: str, seconds: float, fallbacks: int, pages) -> None:
        size, mtime_ns = _output_stat(out_dir / filename)
        self.outputs[filename] = {
            "digest": digest,
            "size": size,
            "mtime_ns": mtime_ns,
            "seconds": round(seconds, 3),
            "fallbacks": fallbacks,
            "pages": pages,
        }

    def forget_output(self, filename: str) -> None:
        self.outputs.pop(filename, None)


def _output_stat(path: Path) -> tuple[int, int]:
    """Size and modification time of an output; for a folder output (the web edition), the
    total size of its files and the newest time of any file or folder in it, so a file edited,
    added or removed anywhere inside shows."""
    stat = path.stat()
    if not path.is_dir():
        return stat.st_size, stat.st_mtime_ns
    size, newest = 0, stat.st_mtime_ns
    for sub in path.rglob("*"):
        sub_stat = sub.stat()
        newest = max(newest, sub_stat.st_mtime_ns)
        if not sub.is_dir():
            size += sub_stat.st_size
    return size, newest
