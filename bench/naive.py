"""The naive way to grade one file, for the benchmark's side-by-side figure.

    python bench/naive.py SLUG LEARNER_FILE            # grades, prints passed/failed
    python bench/naive.py --run SOLUTION SLUG OUT.npz   # (internal) one fresh process's work

What a grader without any of this project's speed work does: a fresh Python process imports JAX
and Flax and runs the reference on every case, another fresh process does the same with the
learner's file, and the parent compares the two. No expected-output cache, no compilation cache
(JAX keeps none on disk unless told to), no warm processes. Inputs are built the grader's way so
both sides see the same arrays.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def run(solution: str, slug: str, out: str) -> None:
    sys.path.insert(0, str(REPO))
    import jax.numpy as jnp

    from grader.course.catalogue import build_args, load_problem

    problem = load_problem(REPO, slug)
    spec = importlib.util.spec_from_file_location("naive_solution", solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = getattr(module, problem.entry_point)
    outputs = {}
    for case in problem.cases():
        args = [
            jnp.asarray(a, dtype=jnp.float32) if isinstance(a, np.ndarray) else float(a)
            for a in build_args(problem, case)
        ]
        outputs[case.id] = np.asarray(fn(*args))
    np.savez(out, **outputs)


def grade(slug: str, learner_file: str) -> bool:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAX_", "GRADER_"))}
    reference = REPO / "reference" / slug / "solution.py"
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for name, path in (("reference", reference), ("learner", learner_file)):
            out = os.path.join(tmp, f"{name}.npz")
            subprocess.run([sys.executable, __file__, "--run", str(path), slug, out], env=env, check=True)
            outs.append(np.load(out))
        expected, got = outs
        return all(np.allclose(got[k], expected[k], rtol=1e-5, atol=1e-6) for k in expected.files)


if __name__ == "__main__":
    if sys.argv[1] == "--run":
        run(*sys.argv[2:5])
    else:
        print("passed" if grade(sys.argv[1], sys.argv[2]) else "failed")
