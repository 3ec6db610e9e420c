"""refpub's benchmark: build times, no-op and incremental rebuilds, memory, and baselines.

    python benchmarks/run.py                      # 100, 1,000 and 10,000 entries (long: run it with nohup)
    python benchmarks/run.py --quick              # 100 and 1,000 entries, one repetition
    python benchmarks/run.py --sizes 20 --repeat 1 --results /tmp/r.json   # a smoke run

For each size it generates a deterministic synthetic project (synth.py, fixed seed), then
times, as the median of ``--repeat`` runs, each in a fresh process:

* ``cold``: ``refpub build`` of every output (handbooks, readers, handouts) into an emptied
  build folder (outputs and manifest removed);
* ``noop``: the same command again, nothing changed;
* ``edit``: after changing one organisation's phone number (an organisation on a handout),
  with the part cache of the builds before it (build/.refpub-cache/); ``edit_vs_cold`` is its
  ratio to the cold build;
* ``parts``: the English handbook alone, cold (an empty output folder), with ``--jobs 1`` and
  ``--jobs 2``: its parts laid out in one process or two (``parts_parallel_speedup``);
* ``weasyprint``: plain ``weasyprint.HTML(...).write_pdf()``, default options, of comparable HTML
  (baselines.py), once per language, one after the other; each run right after a cold build,
  so that drift in the machine's speed slows both alike (``cold_speedup_vs_weasyprint_runs``:
  the ratio of each pair);
* ``typst`` + ``pandoc``: the peer pipeline, a PDF (Typst) and an EPUB (pandoc) per language;
* ``breakdown`` (up to 1,000 entries): where a cold build's time goes, phase by phase, and
  plain WeasyPrint on refpub's own handbook HTML, a page's cost in each (breakdown.py).

Peak memory is sampled from /proc every 20 ms over the whole process tree (parent and
workers) in one more cold build (and one more plain WeasyPrint run), not in the timed runs
(the sampler costs the measured processes time): ``peak_rss_mb`` is the largest sum of their proportional set sizes (PSS: pages a
forked worker shares with its parent are counted once, not once per process),
``peak_rss_single_mb`` the largest resident set of one process.
Everything is printed as a table and written to benchmarks/results.json with the ratios the
targets are stated in (issue 9).
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import synth  # noqa: E402

DEFAULT_SIZES = (100, 1000, 10_000)
PAGE = os.sysconf("SC_PAGE_SIZE")

# Targets at 1,000 entries (issue 20; issue 9's far goal for the WeasyPrint ratio is 1.4).
TARGETS = {
    "cold_speedup_vs_weasyprint": 1.0,  # plain WeasyPrint (two handbooks) / refpub cold (everything)
    "cold_speedup_vs_peer": 1.0,  # Typst + pandoc (PDF + EPUB, both languages) / refpub cold
    "edit_vs_cold": 0.25,  # one organisation edited / cold
    "refpub_overhead": 0.10,  # share of a cold build that is not imports or WeasyPrint laying out and drawing (issue 34)
    "noop_seconds": 0.3,
    "peak_rss_mb": 600,  # PSS of the whole process tree (issue 34: <= 600 MB)
    "per_entry_growth_10000_vs_1000": 1.2,
}


# ----------------------------------------------------------------------------- measuring


def _children(pid: int) -> list[int]:
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    """Proportional set size: shared pages (a forked worker's inherited memory) counted once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return _rss(pid)


def _tree_rss(root: int) -> tuple[int, int]:
    """(PSS summed over the process tree, largest RSS of one process)."""
    total, largest, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        rss = _rss(pid)
        total += _pss(pid)
        largest = max(largest, rss)
        stack.extend(_children(pid))
    return total, largest


def measure(cmd: list[str], cwd: Path | None = None, env: dict | None = None, memory: bool = False) -> dict:
    """Run ``cmd``; its wall time, and with ``memory`` the peak memory of its process tree.

    Sampling memory reads every process's smaps_rollup every 20 ms, which costs the measured
    processes CPU time and page-table locks on a machine whose cores they already fill; so
    times come from runs without the sampler and memory from a run of its own.
    """
    peak = {"total": 0, "single": 0}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total, single = _tree_rss(proc.pid)
            peak["total"] = max(peak["total"], total)
            peak["single"] = max(peak["single"], single)
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    if memory:
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    if not memory:
        return {"seconds": seconds}
    return {"seconds": seconds, "rss_mb": peak["total"] / 2**20, "rss_single_mb": peak["single"] / 2**20}


def _median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def _env() -> dict:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = synth.SOURCE_DATE_EPOCH
    env.pop("PYTHONDEVMODE", None)
    return env


def _refpub_build(project: Path) -> list[str]:
    return [sys.executable, "-m", "refpub", "build", str(project), "-q"]


def _output_times(project: Path) -> dict[str, int]:
    manifest = project / "build" / ".refpub-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {name: record["mtime_ns"] for name, record in data["outputs"].items()}


# ----------------------------------------------------------------------------- one size


def bench_size(n: int, repeat: int, work: Path, peers: bool, log, save) -> dict:
    project = work / f"p{n}"
    info = synth.generate(project, n)
    records = info.pop("records")
    base = work / f"p{n}-baselines"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    for lang in ("en", "ja"):
        (base / f"handbook-{lang}.html").write_text(baselines.to_html(records[lang], lang), encoding="utf-8")
        (base / f"handbook-{lang}.typ").write_text(baselines.to_typst(records[lang], lang), encoding="utf-8")
        (base / f"reader-{lang}.md").write_text(baselines.to_markdown(records[lang], lang), encoding="utf-8")
    env = _env()
    result: dict = {"entries": n, **{k: v for k, v in info.items()}}

    pdfs = [str(base / f"handbook-{lang}.html") for lang in ("en", "ja")]
    out = base / "out"
    out.mkdir(exist_ok=True)
    weasy_cmd = [sys.executable, "-c", baselines.WEASYPRINT_SCRIPT, str(out), *pdfs]
    # A cold build and plain WeasyPrint in turns, so that a machine whose speed drifts over the
    # minutes of a run (a shared host's does, by up to a fifth) slows both alike.
    cold, weasy = [], []
    for i in range(repeat):
        shutil.rmtree(project / "build", ignore_errors=True)
        cold.append(measure(_refpub_build(project), env=env))
        log(f"  {n}: cold build {i + 1}/{repeat}: {cold[-1]['seconds']:.2f} s")
        weasy.append(measure(weasy_cmd, env=env))
        log(f"  {n}: plain WeasyPrint, 2 PDFs {i + 1}/{repeat}: {weasy[-1]['seconds']:.2f} s")
    shutil.rmtree(project / "build", ignore_errors=True)
    cold_memory = measure(_refpub_build(project), env=env, memory=True)
    log(f"  {n}: cold build, memory sampled: {cold_memory['rss_mb']:.0f} MB ({cold_memory['seconds']:.2f} s)")
    outputs = sorted(_output_times(project))
    result["outputs"] = outputs

    noop = [measure(_refpub_build(project), env=env) for _ in range(max(repeat, 3))]
    log(f"  {n}: no-op rebuild: {_median(noop):.3f} s")

    # Its memory too (a run of its own), except at the largest sizes where one run takes minutes.
    weasy_memory = measure(weasy_cmd, env=env, memory=True) if n <= 1000 else None

    result.update(
        cold_seconds=_median(cold),
        cold_runs=[round(r["seconds"], 3) for r in cold],
        noop_seconds=_median(noop),
        noop_runs=[round(r["seconds"], 3) for r in noop],
        peak_rss_mb=cold_memory["rss_mb"],
        peak_rss_single_mb=cold_memory["rss_single_mb"],
        cold_seconds_memory_sampled=round(cold_memory["seconds"], 3),
        weasyprint_seconds=_median(weasy),
        weasyprint_runs=[round(r["seconds"], 3) for r in weasy],
        weasyprint_rss_mb=weasy_memory["rss_mb"] if weasy_memory else None,
    )
    result["cold_speedup_vs_weasyprint"] = result["weasyprint_seconds"] / result["cold_seconds"]
    # The same ratio run by run (each cold build against the WeasyPrint run beside it): its spread
    # shows how much the machine drifted.
    result["cold_speedup_vs_weasyprint_runs"] = [round(w["seconds"] / c["seconds"], 3) for c, w in zip(cold, weasy)]

    if peers:
        typ = [str(base / f"handbook-{lang}.typ") for lang in ("en", "ja")]
        typst_runs, pandoc_runs = [], []
        for _ in range(repeat):
            typst_runs.append(measure([sys.executable, "-c", baselines.TYPST_SCRIPT, str(out), *typ], env=env))
            script = " && ".join(
                f"pandoc -f markdown -t epub3 -o {out / f'reader-{lang}.epub'} {base / f'reader-{lang}.md'}"
                for lang in ("en", "ja")
            )
            pandoc_runs.append(measure(["sh", "-c", script], env=env))
            log(
                f"  {n}: Typst 2 PDFs {typst_runs[-1]['seconds']:.2f} s, pandoc 2 EPUBs {pandoc_runs[-1]['seconds']:.2f} s"
            )
        result.update(
            typst_seconds=_median(typst_runs),
            typst_runs=[round(r["seconds"], 3) for r in typst_runs],
            pandoc_seconds=_median(pandoc_runs),
            pandoc_runs=[round(r["seconds"], 3) for r in pandoc_runs],
        )
        result["peer_seconds"] = result["typst_seconds"] + result["pandoc_seconds"]
        result["cold_speedup_vs_peer"] = result["peer_seconds"] / result["cold_seconds"]
    result["cold_seconds_per_entry"] = result["cold_seconds"] / n
    save(result)

    edit = []
    rebuilt: list[str] = []
    for i in range(repeat):
        before = _output_times(project)
        synth.edit_one_organisation(project, info["edited_organisation"], i)
        edit.append(measure(_refpub_build(project), env=env))
        after = _output_times(project)
        rebuilt = sorted(name for name in after if after[name] != before.get(name))
        log(f"  {n}: one-organisation edit {i + 1}/{repeat}: {edit[-1]['seconds']:.2f} s, rebuilt {len(rebuilt)}")

    result.update(
        edit_seconds=_median(edit),
        edit_runs=[round(r["seconds"], 3) for r in edit],
        edit_rebuilt=rebuilt,
        edit_vs_cold=_median(edit) / result["cold_seconds"],
    )
    save(result)

    if n <= 1000:  # one handbook's parts in one process or two
        for jobs in (1, 2):
            runs = []
            for i in range(repeat):
                out = work / f"p{n}-parts"
                shutil.rmtree(out, ignore_errors=True)
                cmd = [
                    *_refpub_build(project),
                    "--only",
                    "handbook",
                    "--lang",
                    "en",
                    "--jobs",
                    str(jobs),
                    "--out",
                    str(out),
                ]
                runs.append(measure(cmd, env=env))
                log(f"  {n}: handbook-en alone, --jobs {jobs}, {i + 1}/{repeat}: {runs[-1]['seconds']:.2f} s")
            result[f"handbook_en_jobs{jobs}_seconds"] = _median(runs)
        result["parts_parallel_speedup"] = result["handbook_en_jobs1_seconds"] / result["handbook_en_jobs2_seconds"]
        save(result)
        result.update(_breakdown(n, work, env, log))
    return result


def _breakdown(n: int, work: Path, env: dict, log) -> dict:
    """Where a cold build's time goes and plain WeasyPrint on refpub's own handbook HTML
    (breakdown.py, in a process of its own)."""
    figures = work / f"p{n}-breakdown.json"
    subprocess.run(
        [sys.executable, str(HERE / "breakdown.py"), "--entries", str(n), "--work", str(work), "--json", str(figures)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    data = json.loads(figures.read_text(encoding="utf-8"))
    refpub, plain = data["refpub"], data["plain_weasyprint"]
    cpu = refpub["cpu_seconds"]
    pages = sum(p or 0 for p in refpub["handbook_pages"].values())
    handbooks = sum(refpub["handbook_phases"].values()) * cpu
    plain_seconds = sum(d["layout"] + d["drawing"] for d in plain["documents"])
    plain_pages = sum(d["pages"] for d in plain["documents"])
    found = {
        "breakdown_phases_seconds": {phase: share * cpu for phase, share in refpub["phases"].items()},
        "refpub_overhead": refpub["refpub_overhead"],
        "handbook_ms_per_page": 1000 * handbooks / max(1, pages),
        "plain_weasyprint_on_refpub_html_ms_per_page": 1000 * plain_seconds / max(1, plain_pages),
    }
    found["handbook_page_cost_vs_plain_weasyprint"] = (
        found["handbook_ms_per_page"] / found["plain_weasyprint_on_refpub_html_ms_per_page"]
    )
    log(
        f"  {n}: refpub's own share {found['refpub_overhead']:.1%}; handbook "
        f"{found['handbook_ms_per_page']:.0f} ms a page, plain WeasyPrint on the same HTML "
        f"{found['plain_weasyprint_on_refpub_html_ms_per_page']:.0f} ms a page (CPU)"
    )
    return found


# ----------------------------------------------------------------------------- report


def _versions() -> dict:
    found = {"python": platform.python_version()}
    for module in ("weasyprint", "typst"):
        try:
            mod = __import__(module)
            found[module] = getattr(mod, "__version__", "?")
        except ImportError:
            found[module] = None
    pandoc = shutil.which("pandoc")
    if pandoc:
        found["pandoc"] = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    try:
        from refpub.pdf.fonts import slow_subsetting_reason

        found["harfbuzz_subsetting"] = slow_subsetting_reason() is None
    except ImportError:
        pass
    return found


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": len(os.sched_getaffinity(0)), "cpu": cpu, "load_average_at_start": os.getloadavg()}


def targets_report(sizes: dict) -> dict:
    """The targets of issue 9, at 1,000 entries, with the measured figure and whether it is met."""
    at = sizes.get("1000")
    if not at:
        return {}
    report = {}

    def add(name: str, value, target, met: bool) -> None:
        report[name] = {"value": round(value, 3) if value is not None else None, "target": target, "met": met}

    comparisons = {">=": operator.ge, "<=": operator.le, "<": operator.lt}

    def against(name: str, sign: str) -> None:
        """The figure ``name`` against its target, when this run measured it."""
        if name in at:
            add(name, at[name], f"{sign} {TARGETS[name]}", comparisons[sign](at[name], TARGETS[name]))

    against("cold_speedup_vs_weasyprint", ">=")
    against("cold_speedup_vs_peer", ">=")
    against("edit_vs_cold", "<=")
    against("noop_seconds", "<")
    against("peak_rss_mb", "<=")
    against("refpub_overhead", "<=")
    if "edit_rebuilt" in at:
        expected = {"handbook-en.pdf", "handbook-ja.pdf", "reader-en.epub", "reader-ja.epub"}
        only_containing = expected <= set(at["edit_rebuilt"]) and len(at["edit_rebuilt"]) < len(at["outputs"])
        report["edit_rebuilds_only_outputs_containing_it"] = {
            "value": at["edit_rebuilt"],
            "target": "handbooks, readers and the handouts that show it",
            "met": only_containing,
        }
    big = sizes.get("10000")
    if big:
        growth = big["cold_seconds_per_entry"] / at["cold_seconds_per_entry"]
        add(
            "per_entry_growth_10000_vs_1000",
            growth,
            f"<= {TARGETS['per_entry_growth_10000_vs_1000']}",
            growth <= TARGETS["per_entry_growth_10000_vs_1000"],
        )
    return report


def print_table(sizes: dict, report: dict) -> None:
    cols = [
        ("entries", "entries", "{:>7}"),
        ("cold s", "cold_seconds", "{:>7.2f}"),
        ("no-op s", "noop_seconds", "{:>7.3f}"),
        ("edit s", "edit_seconds", "{:>7.2f}"),
        ("xcold", "edit_vs_cold", "{:>6.2f}"),
        ("RSS MB", "peak_rss_mb", "{:>7.0f}"),
        ("WP s", "weasyprint_seconds", "{:>7.2f}"),
        ("Typst s", "typst_seconds", "{:>7.2f}"),
        ("pandoc s", "pandoc_seconds", "{:>8.2f}"),
        ("xWP", "cold_speedup_vs_weasyprint", "{:>6.2f}"),
        ("xpeer", "cold_speedup_vs_peer", "{:>6.2f}"),
    ]
    print("  ".join(f"{title:>{max(6, len(title))}}" for title, _, _ in cols))
    for size in sizes.values():
        cells = []
        for title, key, fmt in cols:
            value = size.get(key)
            cells.append(fmt.format(value) if value is not None else f"{'-':>{max(6, len(title))}}")
        print("  ".join(cells))
    if report:
        print("\ntargets at 1,000 entries:")
        for name, item in report.items():
            value = item["value"]
            shown = f"{len(value)} outputs" if isinstance(value, list) else value
            print(f"  {'met   ' if item['met'] else 'MISSED'}  {name}: {shown} (target {item['target']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="comma-separated entry counts (default: 100,1000,10000)")
    parser.add_argument(
        "--repeat", type=int, default=None, help="repetitions per measure (default: 3; 1 at 10,000 entries)"
    )
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 entries, one repetition")
    parser.add_argument("--no-peers", action="store_true", help="skip the Typst + pandoc baseline")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="where the synthetic projects go")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="where to write the results")
    parser.add_argument("--append", action="store_true", help="add these sizes to the existing results file")
    args = parser.parse_args(argv)

    sizes = (
        [int(s) for s in args.sizes.split(",")] if args.sizes else ([100, 1000] if args.quick else list(DEFAULT_SIZES))
    )
    peers = not args.no_peers
    if peers and not shutil.which("pandoc"):
        print("pandoc is not installed: skipping the peer pipeline (apt-get install pandoc)", file=sys.stderr)
        peers = False
    if peers:
        try:
            import typst  # noqa: F401
        except ImportError:
            print("typst is not installed: skipping the peer pipeline (pip install -e '.[bench]')", file=sys.stderr)
            peers = False

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.time()
    results: dict = {"machine": _machine(), "versions": _versions(), "seed": synth.SEED, "sizes": {}}
    if args.append and args.results.is_file():
        previous = json.loads(args.results.read_text(encoding="utf-8"))
        results["sizes"] = previous.get("sizes", {})
        results["earlier_runs"] = [*previous.get("earlier_runs", ()), previous.get("machine")]
    for n in sizes:
        repeat = args.repeat or (1 if args.quick or n >= 10_000 else 3)
        log(f"{n} entries, {repeat} repetition(s)")

        def save(size_result: dict, n: int = n, repeat: int = repeat) -> None:
            # Written after every phase, so a long run's figures survive an interruption.
            results["sizes"][str(n)] = {**size_result, "repetitions": repeat, "load_average_after": os.getloadavg()}
            results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda item: int(item[0])))
            results["targets_at_1000"] = targets_report(results["sizes"])
            results["machine"]["load_average_at_end"] = os.getloadavg()
            results["total_seconds"] = round(time.time() - started, 1)
            args.results.write_text(
                json.dumps(_rounded(results), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )

        save(bench_size(n, repeat, args.work, peers, log, save))
    print_table(results["sizes"], results.get("targets_at_1000", {}))
    return 0


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
