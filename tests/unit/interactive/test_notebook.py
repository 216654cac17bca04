"""``from grader import check`` in a real Jupyter kernel, and the source rebuilding behind it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from grader.course.workspace import Workspace
from grader.interactive.function_source import SourceUnavailable, rebuild_module
from helpers import COURSE, stop_daemons
from processes import daemon_pids

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

CELLS = [
    "import jax.numpy as jnp\nfrom flax import nnx\nfrom grader import check",
    # a model class in one cell ...
    "class Scaler(nnx.Module):\n"
    "    def __init__(self, factor):\n"
    "        self.factor = nnx.Param(jnp.asarray(factor, dtype=jnp.float32))\n\n"
    "    def __call__(self, x):\n"
    "        return x * self.factor[...]",
    # ... a function using it in another, checked in a third
    "def my_scale(x, factor):\n    return Scaler(factor)(x)",
    'check("scale-by", my_scale)',
    'check("scale-by", my_scale, via="source")',
    "def off_by_one(x, factor):\n    return Scaler(factor)(x) + 1\n\n"
    'verdict = check("scale-by", off_by_one)\nverdict',
    "import sys\nprint(sys.executable, verdict.passed, verdict.graded_via)",
]


@pytest.fixture
def kernel_home(tmp_path):
    """A kernelspec that runs this venv's Python with the test's course, cache and workspace."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("__pycache__"))
    spec = tmp_path / "jupyter" / "kernels" / "grader-test"
    spec.mkdir(parents=True)
    env = {
        "GRADER_ROOT": str(course),
        "GRADER_WORKSPACE": str(tmp_path / "ws"),
        "GRADER_CACHE_DIR": os.environ["GRADER_CACHE_DIR"],
        "JAX_PLATFORMS": "cpu",
    }
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "grader test",
                "language": "python",
                "env": env,
            }
        )
    )
    return tmp_path


def _text(output) -> str:
    if output["output_type"] == "stream":
        return output["text"]
    return output.get("data", {}).get("text/plain", "")


def test_check_in_a_notebook_grades_a_function_using_a_class_from_another_cell(kernel_home):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    specs = KernelSpecManager(kernel_dirs=[str(kernel_home / "jupyter" / "kernels")])
    manager = AsyncKernelManager(kernel_name="grader-test", kernel_spec_manager=specs)
    client = NotebookClient(
        nb, km=manager, timeout=120, allow_errors=False, resources={"metadata": {"path": str(kernel_home)}}
    )
    client.execute()
    out = [cell.outputs for cell in nb.cells]

    pickled = out[3][0]
    assert "PASSED" in _text(pickled) and "4/4 cases" in _text(pickled)
    assert "sent by value with cloudpickle" in _text(pickled)
    assert "PASSED" in pickled["data"]["text/html"]  # rich output for the notebook
    assert "<pre" in pickled["data"]["text/html"]

    rebuilt = _text(out[4][0])
    assert "PASSED" in rebuilt and "from the source of Scaler, my_scale" in rebuilt

    wrong = _text(out[5][0])
    assert "FAILED" in wrong and "worked-example" in wrong
    assert _text(out[6][0]).split() == [sys.executable, "False", "cloudpickle"]

    state = Workspace(kernel_home / "ws").problem_state("scale-by")
    assert state["attempts"] == 3 and state["first_solved"] and state["status"] == "failed"


# ---------------------------------------------------------------- from a plain script

# what the function shows about the process it runs in: forked by the check daemon (which has
# grader.engine.daemon loaded), or started some other way
SCRIPT = """
import os, sys
from grader import check

def scale_by(x, factor):
    print("forked by the daemon:", "grader.engine.daemon" in sys.modules)
    return x * factor

for _ in range(2):
    verdict = check("scale-by", scale_by, record=False)
    print("passed:", verdict.passed)
"""


def _script(tmp_path, cache, daemon: str) -> subprocess.CompletedProcess:
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    env = dict(
        os.environ,
        GRADER_ROOT=str(COURSE),
        GRADER_CACHE_DIR=str(cache),
        GRADER_DAEMON=daemon,
        NO_COLOR="1",
        COLUMNS="100",
    )
    return subprocess.run(
        [sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_from_a_plain_script_prints_its_verdict(tmp_path):
    proc = _script(tmp_path, tmp_path / "cache", daemon="0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("PASSED") == 2 and proc.stdout.count("4/4 cases") == 2
    assert "sent by value with cloudpickle" in proc.stdout
    assert "forked by the daemon: False" in proc.stdout  # GRADER_DAEMON=0: started afresh


def test_repeated_checks_are_served_by_one_daemon(tmp_path):
    cache = tmp_path / "cache"
    try:
        first = _script(tmp_path, cache, daemon="1")
        assert first.returncode == 0, first.stderr
        pids = daemon_pids(cache)
        assert len(pids) == 1  # the first check started it, the second found it running
        again = _script(tmp_path, cache, daemon="1")
        assert again.returncode == 0, again.stderr
        assert daemon_pids(cache) == pids  # a new kernel session reaches the same daemon
        for proc in (first, again):
            assert proc.stdout.count("forked by the daemon: True") == 2, proc.stdout
            assert "forked by the daemon: False" not in proc.stdout
    finally:
        stop_daemons(cache)


# ---------------------------------------------------------------- source rebuilding, in-process

OFFSET = 1.5


class Doubler:
    def __call__(self, x):
        return 2 * x + OFFSET


class Quadrupler(Doubler):
    def __call__(self, x):
        return super().__call__(super().__call__(x))


def quadruple(x, factor):
    return Quadrupler()(x) * jnp.float32(factor)


import jax.numpy as jnp  # noqa: E402  (after use on purpose: the rebuilt module must import it first)


def test_rebuilt_module_puts_what_a_function_needs_before_it():
    rebuilt = rebuild_module(quadruple, "scale_by")
    source = rebuilt.source
    assert rebuilt.definitions == ["Doubler", "Quadrupler", "quadruple"]
    assert source.index("import jax.numpy as jnp") < source.index("class Doubler")
    assert source.index("OFFSET = 1.5") < source.index("class Doubler") < source.index("class Quadrupler")
    assert source.rstrip().endswith("scale_by = quadruple")
    namespace: dict = {"__name__": "rebuilt"}
    exec(compile(source, "rebuilt.py", "exec"), namespace)
    assert float(namespace["scale_by"](1.0, 1.0)) == 2 * (2 * 1.0 + 1.5) + 1.5


def test_functions_without_source_of_their_own_are_refused_with_a_reason():
    with pytest.raises(SourceUnavailable, match="define the function with def"):
        rebuild_module(lambda x, factor: x * factor, "scale_by")

    def make(k):
        def inner(x, factor):
            return x * k

        return inner

    with pytest.raises(SourceUnavailable, match="enclosing function"):
        rebuild_module(make(2.0), "scale_by")
