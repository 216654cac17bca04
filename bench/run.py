"""Benchmark: grading time against the import floor, measured side by side in one run.

    python bench/run.py            # all figures
    python bench/run.py --quick    # skip the class of 40 (the slowest part)
    python bench/run.py --checks   # only `grader check` at a terminal beside a notebook's check()

Prints each figure with its ratio to the import floor (the time to start Python and import JAX
and Flax). Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "nnx-surgery-zero-layer"
SEEDS = [
    "nnx-surgery-zero-layer",
    "flax-surgery-zero",
    "nnx-surgery-replace",
    "nnx-state-transform",
    "nnx-surgery-add-layer",
]


def timed(cmd, env=None, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(
            cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def import_floor() -> float:
    return timed([sys.executable, "-c", "import jax; from flax import nnx; import flax.linen"], repeat=5)


def check_times(cache: Path) -> tuple[float, float, float]:
    """`grader check` of the reference: the first one (caches empty, no daemon running), then
    warm ones with the daemon (the default at a terminal) and without it (scripts, CI). The
    daemon is left running for ``notebook_check``."""
    cmd = [
        sys.executable,
        "-m",
        "grader",
        "check",
        SLUG,
        "--file",
        f"reference/{SLUG}/solution.py",
        "--format",
        "json",
    ]
    with_daemon = dict(os.environ, GRADER_CACHE_DIR=str(cache), GRADER_DAEMON="1")
    cold = timed(cmd, with_daemon, repeat=1)
    warm = timed(cmd, with_daemon, repeat=5)
    plain = timed(cmd, dict(with_daemon, GRADER_DAEMON="0"), repeat=5)
    return cold, warm, plain


# A notebook's session, as a script: the reference's function defined in __main__ (sent by
# value, as a notebook cell's is), checked once, then timed over repeated checks.
_NOTEBOOK = """
import json as _json, sys as _sys, time as _time
from grader import check as _check
_times = []
for _ in range(6):
    _began = _time.perf_counter()
    _check({slug!r}, {entry}, root={root!r}, record=False)
    _times.append(_time.perf_counter() - _began)
print("TIMES", _json.dumps(_times[1:]))  # the first one may start the daemon
"""


def notebook_check(cache: Path) -> float:
    """Repeated ``grader.check()`` calls in one session (a kernel's) with the daemon running, as
    a learner re-checking a notebook cell: the median of the calls after the first."""
    sys.path.insert(0, str(REPO))
    from grader.course.catalogue import load_catalogue

    entry = load_catalogue(REPO).get(SLUG).entry_point
    source = (REPO / "reference" / SLUG / "solution.py").read_text()
    script = source + _NOTEBOOK.format(slug=SLUG, entry=entry, root=str(REPO))
    env = dict(os.environ, GRADER_CACHE_DIR=str(cache), GRADER_DAEMON="1", PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    times = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith("TIMES "))[6:])
    return statistics.median(times)


def stop_daemons(cache: Path) -> None:
    sys.path.insert(0, str(REPO))
    from grader.engine import daemon

    for folder in (cache / "daemon").glob("*"):
        daemon.stop(folder)


def watch_verdict(cache: Path, folder: Path) -> tuple[float, float]:
    """The verdicts after a save in `watch`, timed from the write of the file: the save is noticed
    (watchfiles, as `watch` uses it), then the quick verdict (the worker kept between saves) and
    the confirmed one (a fresh worker) are made side by side, as `watch` makes them. Caches are
    filled. Each save changes the file a little, as an edit does, so every check loads a new
    version of it."""
    import queue
    import threading

    os.environ["GRADER_CACHE_DIR"] = str(cache)
    sys.path.insert(0, str(REPO))
    from grader.course.catalogue import load_catalogue
    from grader.engine.live import LiveWorker
    from grader.engine.pool import WorkerPool
    from grader.engine.runner import RunOptions
    from grader.grading.assess import GradeOptions
    from grader.interactive.watch import QuickCheck, _start, _watch_files, grader_for
    from grader.interactive.watch_loop import RunRequest

    problem = load_catalogue(REPO).get(SLUG)
    folder = folder / "watched"
    folder.mkdir()
    solution = folder / f"{SLUG}.py"
    source = (REPO / "reference" / SLUG / "solution.py").read_text()
    saves, verdicts = queue.Queue(), queue.Queue()
    stop = threading.Event()
    threading.Thread(target=_watch_files, args=(folder, saves, stop), daemon=True).start()
    assert saves.get(timeout=30)[0] == "watching"
    quick_times, confirmed_times = [], []
    with WorkerPool() as pool, LiveWorker(pool=pool) as live:
        options = GradeOptions(run=RunOptions(workers=pool, spread=2))
        quick = QuickCheck(options, live)
        quick.prepare(solution)
        for save in range(6):
            time.sleep(3)  # the learner edits; workers warm up meanwhile
            began = time.perf_counter()
            solution.write_text(source + f"\n# save {save}\n")
            while saves.get(timeout=30)[0] != "saved":
                pass
            _start(RunRequest(problem, solution, str(save)), verdicts, grader_for(options), quick)
            seen = {}
            while len(seen) < 2:
                kind, payload = verdicts.get(timeout=120)
                seen[kind] = time.perf_counter() - began
                assert payload[1].passed
            if save:  # the first save after opening the problem fills the kept worker's caches
                quick_times.append(seen["quick"])
            confirmed_times.append(seen["graded"])
    stop.set()
    return statistics.median(quick_times), statistics.median(confirmed_times)


def class_of(n: int, folder: Path) -> Path:
    root = folder / "class"
    for i in range(n):
        learner = root / f"learner-{i:02d}"
        learner.mkdir(parents=True)
        for slug in SEEDS:
            shutil.copyfile(REPO / "reference" / slug / "solution.py", learner / f"{slug}.py")
    return root


def grade_class(root: Path, cache: Path, jobs: int) -> tuple[float, int]:
    env = dict(os.environ, GRADER_CACHE_DIR=str(cache))
    out = root.parent / "gradebook"
    began = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, runpy, sys; sys.argv=['grader']+sys.argv[1:];"
            "\ntry:\n    runpy.run_module('grader', run_name='__main__')\n"
            "finally:\n    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
            "grade",
            "--many",
            str(root),
            "--jobs",
            str(jobs),
            "--output",
            str(out),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - began
    rss = next((int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS")), 0)
    return seconds, rss


def naive_class(root: Path, learners: int) -> float:
    """The naive way (bench/naive.py) for the first ``learners`` learners, two at a time."""

    def one_learner(i: int) -> None:
        for slug in SEEDS:
            subprocess.run(
                [
                    sys.executable,
                    str(REPO / "bench" / "naive.py"),
                    slug,
                    str(root / f"learner-{i:02d}" / f"{slug}.py"),
                ],
                check=True,
                capture_output=True,
            )

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one_learner, range(learners)))
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the class of 40 learners")
    parser.add_argument(
        "--checks",
        action="store_true",
        help="only the checks: at a terminal and from a notebook (no watch, no class)",
    )
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=2,
        help="learners graded the naive way; the class figure is extrapolated from them",
    )
    args = parser.parse_args()
    rows = []
    floor = import_floor()
    rows.append(("import floor: python -c 'import jax; from flax import nnx; import flax.linen'", floor))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:  # the daemons end with the benchmark, even when a figure fails
            cold, warm, plain = check_times(tmp / "cache")
            notebook = notebook_check(tmp / "cache")
        finally:
            stop_daemons(tmp / "cache")
        rows.append((f"grader check {SLUG}, caches empty, no daemon yet (cold)", cold))
        rows.append((f"grader check {SLUG}, caches filled, daemon running (warm, at a terminal)", warm))
        rows.append((f"grader check {SLUG}, caches filled, GRADER_DAEMON=0 (scripts, CI)", plain))
        rows.append(
            (f"notebook grader.check() of {SLUG}, repeated in one session (daemon running)", notebook)
        )
        if not args.checks:
            quick, confirmed = watch_verdict(tmp / "cache", tmp)
            rows.append(("watch: quick verdict, from the file's write (worker kept between saves)", quick))
            rows.append(
                ("watch: confirmed verdict, from the file's write (fresh worker, side by side)", confirmed)
            )
        if not (args.quick or args.checks):
            root = class_of(args.learners, tmp)
            seconds, rss_kb = grade_class(root, tmp / "class-cache", jobs=2)
            rows.append(
                (f"grade --many: {args.learners} learners x {len(SEEDS)} problems, --jobs 2", seconds)
            )
            sample = naive_class(root, args.naive_sample)
            naive_total = sample * args.learners / args.naive_sample
            rows.append(
                (
                    f"naive way (bench/naive.py), same class, extrapolated from {args.naive_sample} "
                    f"learners graded two at a time",
                    naive_total,
                )
            )
            rows.append(("grader process peak RSS while grading the class (MB)", rss_kb / 1024))
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>9}  {'x floor':>8}")
    for name, value in rows:
        if name.endswith("(MB)"):
            print(f"{name:<{width}}  {value:>7.0f}MB  {'':>8}")
        else:
            print(f"{name:<{width}}  {value:>8.2f}s  {value / floor:>7.2f}x")
    print(
        f"repeated notebook check() / warm grader check at a terminal: {notebook / warm:.2f}x (aim: at most 1.5x)"
    )
    if not (args.quick or args.checks):
        print(f"class speed-up over the naive way: {naive_total / seconds:.1f}x")


if __name__ == "__main__":
    main()
