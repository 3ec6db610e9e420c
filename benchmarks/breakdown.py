"""Where a cold build's time goes, and what plain WeasyPrint takes for the same handbook HTML.

    python benchmarks/breakdown.py                  # 1,000 entries (the synthetic project of run.py)
    python benchmarks/breakdown.py --entries 100 --json /tmp/b.json

1. **refpub, phase by phase.** One cold build of every output in one process (``--jobs 1``, so
   that one process does all the work), its call stack sampled every few milliseconds. Each
   sample is put in one phase by the code it is in:

   * *starting: imports*: Python importing modules (WeasyPrint's too: plain WeasyPrint pays
     its share of it as well);
   * *WeasyPrint layout*: WeasyPrint's code outside ``write_pdf``: parsing our HTML and CSS,
     the cascade, boxes, line breaking, pagination;
   * *WeasyPrint drawing*: inside ``Document.write_pdf`` (painting the pages, writing the PDF);
   * *refpub tagging*: refpub's own code called by WeasyPrint while it does either of those
     (pdf/tagging.py: structure, ActualText, languages; pdf/subsets.py noting each part's glyphs);
   * *part join*: pdf/book.py's ``join`` (pages, structure trees, links, outline) but not…
   * *font subsetting*: ``embed_once``, each font subset once for the whole book (pdf/subsets.py);
   * *templating*: Jinja rendering the HTML of every output;
   * *everything else*: loading and checking the content, digests, the EPUB, web, citation and
     HSDS writers' own code, writing files.

   The samples are also counted per output kind (the handbooks, handouts, readers…). Phases
   are given as shares of the build and as seconds (the share times the build's CPU time).

2. **Plain WeasyPrint on refpub's own handbook HTML.** Each handbook's HTML as one document
   (what ``HandbookExporter.render_html`` gives: the whole book, not in parts), written by
   ``weasyprint.HTML(string=...).write_pdf()`` with default options in a fresh process, one
   language after the other: its seconds and pages, and so the cost of a page. Set against
   refpub's handbook time per page from part 1, this is the per-page cost of refpub's way of
   making the book (parts, tags, join, furniture) over WeasyPrint laying out the same HTML.

The figures are shares of one machine at one moment: compare them with each other, not with
another run's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

INTERVAL = 0.002  # seconds between samples (the interpreter switches threads every 5 ms at most)

PHASES = (
    "starting: imports",
    "WeasyPrint layout",
    "WeasyPrint drawing",
    "refpub tagging",
    "part join",
    "font subsetting",
    "templating",
    "everything else",
)

# Plain WeasyPrint, default options, on the HTML files given (one document each), in one process.
PLAIN_SCRIPT = """
import sys, time, json
from pathlib import Path
started = time.perf_counter()
import weasyprint
sys.path.insert(0, sys.argv[1])
from refpub.views.resources import ProjectFetcher
roots = [Path(p) for p in json.loads(sys.argv[2])]
found = []
for name in sys.argv[4:]:
    html = Path(name).read_text(encoding="utf-8")
    t = time.process_time()
    document = weasyprint.HTML(string=html, base_url=Path(sys.argv[3]).as_uri() + "/",
                               url_fetcher=ProjectFetcher(roots)).render()
    laid_out = time.process_time()
    document.write_pdf(Path(name).with_suffix(".pdf"))
    found.append({"file": Path(name).name, "pages": len(document.pages),
                  "layout": laid_out - t, "drawing": time.process_time() - laid_out})
print(json.dumps({"seconds": time.perf_counter() - started, "documents": found}))
"""


def _classify(frames) -> str:
    """The phase of one sample, from its frames (innermost first)."""
    pairs = [(f.f_code.co_filename, f.f_code.co_name) for f in frames]
    files = [f for f, _ in pairs]
    if any(f.startswith("<frozen importlib") for f in files):
        return "starting: imports"
    if any(f.endswith("refpub/pdf/book.py") and n == "join" for f, n in pairs):
        return "font subsetting" if any(n == "embed_once" for _, n in pairs) else "part join"
    owner = next((f for f in files if "/weasyprint/" in f or "/refpub/" in f), "")
    if any("/weasyprint/" in f for f in files):
        if "/refpub/pdf/" in owner:
            return "refpub tagging"  # refpub's code that WeasyPrint calls (pdf/tagging.py, subsets.py)
        if "/weasyprint/" in owner or not owner:
            writing = any(f.endswith("weasyprint/document.py") and n == "write_pdf" for f, n in pairs)
            return "WeasyPrint drawing" if writing else "WeasyPrint layout"
    if any("/jinja2/" in f or f.endswith((".html", ".css", ".xhtml", ".opf", ".xml")) for f in files):
        return "templating"
    return "everything else"


def _output_kind(frames) -> str:
    for frame in frames:
        if frame.f_code.co_name == "_build_one" and frame.f_code.co_filename.endswith("refpub/build.py"):
            target = frame.f_locals.get("target")
            return getattr(target, "kind", "?")
    return "before rendering (loading, checks, digests)"


def _innermost_refpub(frames) -> str:
    for frame in frames:
        name = frame.f_code.co_filename
        if "/refpub/" in name:
            return f"{name.rsplit('/refpub/', 1)[1]}:{frame.f_code.co_name}"
    return "(outside refpub)"


def _stack(frame):
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def sample_build(project: Path, out: Path) -> dict:
    """One cold build of every output in this process, sampled."""
    import shutil

    from refpub.build import build

    shutil.rmtree(out, ignore_errors=True)
    main = threading.get_ident()
    phases: Counter = Counter()
    kinds: Counter = Counter()
    by_kind_phase: Counter = Counter()
    elsewhere: Counter = Counter()  # "everything else": the innermost refpub function
    done = threading.Event()

    def sampler() -> None:
        while not done.is_set():
            frame = sys._current_frames().get(main)
            if frame is not None:
                frames = _stack(frame)
                phase, kind = _classify(frames), _output_kind(frames)
                phases[phase] += 1
                kinds[kind] += 1
                by_kind_phase[kind, phase] += 1
                if phase == "everything else":
                    elsewhere[_innermost_refpub(frames)] += 1
            time.sleep(INTERVAL)

    thread = threading.Thread(target=sampler, daemon=True)
    cpu, wall = time.process_time(), time.perf_counter()
    thread.start()
    result = build(project, out=out, jobs=1)
    done.set()
    thread.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    total = sum(phases.values()) or 1
    weasy = sum(phases[p] for p in ("starting: imports", "WeasyPrint layout", "WeasyPrint drawing")) / total
    pages = {o.target.filename: o.pages for o in result.outputs if o.target.kind == "handbook"}
    return {
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "samples": total,
        "phases": {p: phases[p] / total for p in PHASES},
        "refpub_overhead": 1 - weasy,  # everything but imports and WeasyPrint laying out and drawing
        "outputs": {k: n / total for k, n in kinds.most_common()},
        "handbook_phases": {p: by_kind_phase["handbook", p] / total for p in PHASES},
        "handbook_pages": pages,
        "everything_else": {name: n / total for name, n in elsewhere.most_common(12)},
    }


def plain_weasyprint(project: Path, work: Path) -> dict:
    """Each handbook's whole HTML, written by plain WeasyPrint in one fresh process."""
    from refpub.building.loading import load_project
    from refpub.export.base import RenderSession
    from refpub.export.handbook import HandbookExporter

    project_data = load_project(project)
    session = RenderSession(project_data)
    exporter = HandbookExporter()
    files = []
    work.mkdir(parents=True, exist_ok=True)
    for target in exporter.targets(project_data.content):
        html, _, _ = exporter.render_html(target, session)
        path = work / f"{Path(target.filename).stem}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    src = Path(__import__("refpub").__file__).resolve().parent.parent
    roots = json.dumps([str(p) for p in session.resource_roots])
    env = dict(os.environ, SOURCE_DATE_EPOCH=synth.SOURCE_DATE_EPOCH)
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", PLAIN_SCRIPT, str(src), roots, str(project), *files],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    found = json.loads(run.stdout.strip().splitlines()[-1])
    found["process_seconds"] = time.perf_counter() - started
    return found


def report(sampled: dict, plain: dict) -> str:
    cpu = sampled["cpu_seconds"]
    lines = [
        f"refpub, one cold build of every output in one process: {sampled['wall_seconds']:.1f} s "
        f"({cpu:.1f} s CPU, {sampled['samples']} samples)",
        "",
        "| phase | share of the build | seconds | of which the handbooks |",
        "|---|---:|---:|---:|",
    ]
    for phase in PHASES:
        share = sampled["phases"][phase]
        lines.append(f"| {phase} | {share:.1%} | {share * cpu:.1f} | {sampled['handbook_phases'][phase] * cpu:.1f} |")
    lines += [
        "",
        "refpub's own share (everything but imports and WeasyPrint laying out and drawing): "
        f"{sampled['refpub_overhead']:.1%}",
        "",
    ]
    lines += ["| everything else: innermost refpub function | share of the build |", "|---|---:|"]
    lines += [f"| {name} | {share:.1%} |" for name, share in sampled["everything_else"].items()]
    lines += ["", "| output | share of the build |", "|---|---:|"]
    lines += [f"| {kind} | {share:.1%} |" for kind, share in sampled["outputs"].items()]
    handbook_seconds = sum(sampled["handbook_phases"].values()) * cpu
    handbook_pages = sum(p or 0 for p in sampled["handbook_pages"].values())
    plain_pages = sum(d["pages"] for d in plain["documents"])
    plain_seconds = sum(d["layout"] + d["drawing"] for d in plain["documents"])
    lines += [
        "",
        "| the two handbooks | pages | seconds | ms a page |",
        "|---|---:|---:|---:|",
        f"| refpub (in parts, tagged, joined; CPU) | {handbook_pages} | {handbook_seconds:.1f} | "
        f"{1000 * handbook_seconds / max(1, handbook_pages):.0f} |",
        f"| plain WeasyPrint, the same HTML as one document (CPU) | {plain_pages} | {plain_seconds:.1f} | "
        f"{1000 * plain_seconds / max(1, plain_pages):.0f} |",
    ]
    for d in plain["documents"]:
        lines.append(f"|   {d['file']}: layout {d['layout']:.1f} s, drawing {d['drawing']:.1f} s | {d['pages']} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = synth.SOURCE_DATE_EPOCH
    project = args.work / f"p{args.entries}"
    synth.generate(project, args.entries)
    sampled = sample_build(project, args.work / f"p{args.entries}-breakdown")
    plain = plain_weasyprint(project, args.work / f"p{args.entries}-plain")
    print(report(sampled, plain))
    if args.json:
        args.json.write_text(json.dumps({"refpub": sampled, "plain_weasyprint": plain}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
