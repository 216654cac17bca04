"""Benchmark: grading time against the import floor, measured side by side in one run.

    python bench/run.py            # all figures
    python bench/run.py --quick    # skip the class of 40 (the slowest part)

Prints each figure with its ratio to the import floor (the time to start Python and import JAX
and Flax). Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "nnx-surgery-zero-layer"
SEEDS = ["nnx-surgery-zero-layer", "flax-surgery-zero", "nnx-surgery-replace", "nnx-state-transform",
         "nnx-surgery-add-layer"]


def timed(cmd, env=None, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def import_floor() -> float:
    return timed([sys.executable, "-c", "import jax; from flax import nnx; import flax.linen"], repeat=5)


def check_times(cache: Path) -> tuple[float, float]:
    env = dict(os.environ, GRADER_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-m", "grader", "check", SLUG, "--file", f"reference/{SLUG}/solution.py", "--format", "json"]
    cold = timed(cmd, env, repeat=1)
    warm = timed(cmd, env, repeat=5)
    return cold, warm


def watch_verdict(cache: Path) -> float:
    """The verdict after a save in `watch`: a warm worker, caches filled, one run."""
    os.environ["GRADER_CACHE_DIR"] = str(cache)
    sys.path.insert(0, str(REPO))
    from grader.catalogue import load_catalogue
    from grader.grading import GradeOptions, grade_problem
    from grader.pool import WorkerPool
    from grader.runner import RunOptions

    problem = load_catalogue(REPO).get(SLUG)
    solution = REPO / "reference" / SLUG / "solution.py"
    times = []
    with WorkerPool() as pool:
        options = GradeOptions(run=RunOptions(pool=pool))
        grade_problem(problem, solution, options=options)  # fills the caches
        for _ in range(5):
            time.sleep(3)  # the replacement worker warms up while the learner edits
            began = time.perf_counter()
            result = grade_problem(problem, solution, options=options)
            times.append(time.perf_counter() - began)
            assert result.passed
    return statistics.median(times)


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
    proc = subprocess.run([sys.executable, "-c",
                           "import resource, runpy, sys; sys.argv=['grader']+sys.argv[1:];"
                           "\ntry:\n    runpy.run_module('grader', run_name='__main__')\n"
                           "finally:\n    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
                           "grade", "--many", str(root), "--jobs", str(jobs), "--output", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    rss = next((int(l.split()[1]) for l in proc.stderr.splitlines() if l.startswith("MAXRSS")), 0)
    return seconds, rss


def naive_one(slug: str, learner_file: Path, cache: Path) -> float:
    """The naive way: a fresh process for the reference and one for the learner, no caches."""
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from pathlib import Path\n"
            "from grader.catalogue import load_catalogue\n"
            "from grader.grading import GradeOptions, grade_problem\n"
            "p = load_catalogue(Path(%r)).get(%r)\n"
            "grade_problem(p, Path(%r), options=GradeOptions(use_cache=False))\n") % (str(REPO), str(REPO), slug, str(learner_file))
    env = dict(os.environ, GRADER_CACHE_DIR=str(cache))
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the class of 40 learners")
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--naive-sample", type=int, default=2,
                        help="learners graded the naive way; the class figure is extrapolated from them")
    args = parser.parse_args()
    rows = []
    floor = import_floor()
    rows.append(("import floor: python -c 'import jax; from flax import nnx; import flax.linen'", floor))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold, warm = check_times(tmp / "cache")
        rows.append((f"grader check {SLUG}, caches empty (cold)", cold))
        rows.append((f"grader check {SLUG}, caches filled (warm)", warm))
        rows.append(("verdict after a save in watch (warm worker)", watch_verdict(tmp / "cache")))
        if not args.quick:
            root = class_of(args.learners, tmp)
            seconds, rss_kb = grade_class(root, tmp / "class-cache", jobs=2)
            rows.append((f"grade --many: {args.learners} learners x {len(SEEDS)} problems, --jobs 2", seconds))
            sample = [naive_one(slug, root / f"learner-{i:02d}" / f"{slug}.py", tmp / "naive-cache")
                      for i in range(args.naive_sample) for slug in SEEDS]
            per_learner = sum(sample) / args.naive_sample
            naive_total = per_learner * args.learners / 2  # two at a time on two cores, at best
            rows.append((f"naive way, same class, extrapolated from {args.naive_sample} learners "
                         f"(two processes per problem, no caches, 2 in parallel)", naive_total))
            rows.append(("grader process peak RSS while grading the class (MB)", rss_kb / 1024))
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>9}  {'x floor':>8}")
    for name, value in rows:
        if name.endswith("(MB)"):
            print(f"{name:<{width}}  {value:>7.0f}MB  {'':>8}")
        else:
            print(f"{name:<{width}}  {value:>8.2f}s  {value / floor:>7.2f}x")
    if not args.quick:
        print(f"class speed-up over the naive way: {naive_total / seconds:.1f}x")


if __name__ == "__main__":
    main()
