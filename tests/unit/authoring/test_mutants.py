"""Mutation analysis: each operator on a small snippet, stable ids, the mutants.toml parser, how a
mutant is judged, and ``grader validate --mutants`` end to end through the real CLI."""

from __future__ import annotations

import re
import shutil
import textwrap

import numpy as np
import pytest

from grader.authoring.mutant_operators import OPERATORS, mutants_of
from grader.authoring.mutants import (
    MutantResult,
    MutantStatus,
    MutationReport,
    judge,
    parse_equivalences,
    stale_findings,
)
from grader.course.catalogue import load_problem
from grader.course.schema import Finding, MetadataError
from grader.engine.session import Call, LoadProblem, RunReport
from grader.engine.wire import ArrayValue
from grader.engine.worlds import RECORD_KEY
from grader.grading.requirements import Alternative, Requirement
from grader.grading.trusted import Expected
from helpers import COURSE, MUTANT_COURSE, REPO, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

SLUG = "scale-last-row"


def mutated(source: str, operator: str) -> list[str]:
    """The mutated files an operator makes from ``source``, in file order."""
    return [m.source for m in mutants_of(textwrap.dedent(source)) if m.operator == operator]


# ---------------------------------------------------------------- operators

OPERATOR_CASES = [
    ("index-end", "y = x[-1]\n", ["y = x[0]\n"]),
    ("index-end", "y = x[0]\n", ["y = x[-1]\n"]),
    ("index-shift", "y = x[-1]\n", ["y = x[-2]\n"]),  # -1 -> 0 is index-end's
    (
        "index-shift",
        "y = x[1, 0]\n",
        ["y = x[2, 0]\n", "y = x[0, 0]\n", "y = x[1, 1]\n"],
    ),  # 0 -> -1: index-end
    ("index-shift", "y = layers[i]\n", ["y = layers[i + 1]\n", "y = layers[i - 1]\n"]),
    ("index-shift", "y = x[:n]\n", ["y = x[:n + 1]\n", "y = x[:n - 1]\n"]),
    ("index-shift", "k = 'Dense_0'\ny = params[k]\n", []),  # a dict key, not a position
    (
        "range-bound",
        "for i in range(n):\n    pass\n",
        ["for i in range(n + 1):\n    pass\n", "for i in range(n - 1):\n    pass\n"],
    ),
    (
        "range-bound",
        "r = range(1, n)\n",
        ["r = range(2, n)\n", "r = range(0, n)\n", "r = range(1, n + 1)\n", "r = range(1, n - 1)\n"],
    ),
    ("int-constant", "y = f(x, 2)\n", ["y = f(x, 3)\n", "y = f(x, 1)\n"]),
    ("int-constant", "y = f(x, axis=-1)\n", ["y = f(x, axis=0)\n", "y = f(x, axis=-2)\n"]),
    ("int-constant", "y = n - 1\n", ["y = n - 2\n", "y = n - 0\n"]),
    ("bool-flip", "m = Linear(2, 3, use_bias=True)\n", ["m = Linear(2, 3, use_bias=False)\n"]),
    ("zeros-ones", "y = jnp.zeros_like(k)\n", ["y = jnp.ones_like(k)\n"]),
    ("zeros-ones", "y = jnp.ones((3,), jnp.float32)\n", ["y = jnp.zeros((3,), jnp.float32)\n"]),
    (
        "zeros-ones",
        "d = nn.Dense(4, bias_init=nn.initializers.ones)\n",
        ["d = nn.Dense(4, bias_init=nn.initializers.zeros)\n"],
    ),
    (
        "drop-statement",
        "def f(m, s):\n    nnx.update(m, s)\n    y = m(1)\n    return y\n",
        [
            "def f(m, s):\n    pass\n    y = m(1)\n    return y\n",
            "def f(m, s):\n    nnx.update(m, s)\n    pass\n    return y\n",
        ],
    ),
    ("drop-statement", "SCALE = 2\n", []),  # module level: dropping it only breaks loading
    ("drop-copy", "y = x.copy()\n", ["y = x\n"]),
    ("drop-copy", "y = copy.deepcopy(params)\n", ["y = params\n"]),
    ("drop-copy", "m2 = nnx.clone(m)\n", ["m2 = m\n"]),
    ("drop-cast", "n = int(n)\n", ["n = n\n"]),
    ("seed", "k = jax.random.PRNGKey(seed)\n", ["k = jax.random.PRNGKey(seed + 1)\n"]),
    ("seed", "r = nnx.Rngs(seed + 1000)\n", ["r = nnx.Rngs(seed)\n", "r = nnx.Rngs(seed + 1 + 1000)\n"]),
    ("seed", "y = 2 * seed\n", ["y = 2 * (seed + 1)\n"]),  # parentheses where precedence needs them
    ("seed", "m = Linear(2, 3, rngs=rngs)\n", []),  # an nnx.Rngs object, not a number
    ("swap-args", "y = f(a, b)\n", ["y = f(b, a)\n"]),
    ("swap-args", "y = f(a, a)\n", []),
    ("swap-args", "y = f(a, b, c)\n", ["y = f(b, a, c)\n", "y = f(c, b, a)\n", "y = f(a, c, b)\n"]),
    ("swap-targets", "key, sub = split(k)\n", ["sub, key = split(k)\n"]),
    ("arith", "y = a + b\n", ["y = a - b\n"]),
    ("arith", "y = a * (b - c)\n", ["y = a / (b - c)\n", "y = a * (b + c)\n"]),
    ("arith", "y = n // 2\n", ["y = n / 2\n"]),
    ("arith", "y = h @ w\n", ["y = w @ h\n"]),
    ("compare", "if i == n - 1:\n    pass\n", ["if i != n - 1:\n    pass\n"]),
    ("compare", "ok = a < b\n", ["ok = a <= b\n", "ok = a >= b\n"]),
    ("compare", "ok = 'kernel' in name\n", ["ok = 'kernel' not in name\n"]),
]


@pytest.mark.parametrize(
    "operator, source, expected",
    OPERATOR_CASES,
    ids=[f"{op}-{i}" for i, (op, _, _) in enumerate(OPERATOR_CASES)],
)
def test_operator_writes_the_exact_mutant(operator, source, expected):
    assert mutated(source, operator) == expected


def test_every_operator_has_a_case():
    assert {op for op, _, _ in OPERATOR_CASES} == set(OPERATORS)


def test_layout_and_comments_are_kept_outside_the_change():
    source = textwrap.dedent("""\
        def f(x):   # keep me
            y = (x
                 + 1)  # and me
            return y
        """)
    arith = [m for m in mutants_of(source) if m.operator == "arith"]
    assert [m.source for m in arith] == [source.replace("+ 1)", "- 1)")]
    assert arith[0].description == "x + 1 -> x - 1"


def test_no_mutant_repeats_the_source_or_another():
    source = "def f(x):\n    return x[0] + x[-1]\n"
    files = [m.source for m in mutants_of(source)]
    assert source not in files and len(files) == len(set(files))


def test_unparsable_source_raises_syntax_error():
    with pytest.raises(SyntaxError):
        mutants_of("def f(:\n")


# ---------------------------------------------------------------- ids

SOURCE = "def f(x, seed):\n    k = key(seed)\n    return x[-1] * k\n"


def test_ids_name_operator_line_column_and_hash():
    ids = [m.id for m in mutants_of(SOURCE)]
    assert all(re.fullmatch(r"[a-z-]+@\d+:\d+#[0-9a-f]{6}(-\d+)?", i) for i in ids)
    assert len(ids) == len(set(ids))
    end = next(m for m in mutants_of(SOURCE) if m.operator == "index-end")
    assert (end.line, end.column) == (3, 14) and end.id.startswith("index-end@3:14#")


def test_ids_are_stable_across_runs_and_edits_below():
    before = {m.source.splitlines()[1]: m.id for m in mutants_of(SOURCE) if m.line == 2}
    edited = SOURCE + "\n\ndef g(y):\n    return y * 2\n"
    after = {m.source.splitlines()[1]: m.id for m in mutants_of(edited) if m.line == 2}
    assert before == after and before == {
        m.source.splitlines()[1]: m.id for m in mutants_of(SOURCE) if m.line == 2
    }


def test_id_changes_when_its_line_changes():
    edited = SOURCE.replace("k = key(seed)", "k = key(seed)  # edited")

    def seed(src):
        return next(m.id for m in mutants_of(src) if m.operator == "seed")

    assert seed(SOURCE) != seed(edited)
    assert seed(SOURCE).split("#")[0] == seed(edited).split("#")[0]  # same operator, line and column


# ---------------------------------------------------------------- reference/<slug>/mutants.toml

FILE = "reference/p/mutants.toml"


def test_equivalences_are_read():
    entries = parse_equivalences(
        {
            "format_version": 1,
            "equivalent_mutant": [{"id": "drop-copy@2:11#3bb61c", "reason": " immutable arrays "}],
        },
        FILE,
    )
    assert [(e.id, e.reason, e.index) for e in entries] == [("drop-copy@2:11#3bb61c", "immutable arrays", 0)]
    assert parse_equivalences({"format_version": 1}, FILE) == []


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"format_version": 2}, "format_version", "must be one of 1"),
        ({}, "format_version", "is required"),
        ({"format_version": 1, "equivalent_mutant": [{"id": "x"}]}, "equivalent_mutant[0].id", "mutant id"),
        (
            {"format_version": 1, "equivalent_mutant": [{"id": "arith@1:1#abcdef"}]},
            "equivalent_mutant[0].reason",
            "is required",
        ),
        (
            {"format_version": 1, "equivalent_mutant": [{"id": "arith@1:1#abcdef", "reason": "  "}]},
            "equivalent_mutant[0].reason",
            "must not be empty",
        ),
        (
            {"format_version": 1, "equivalent_mutant": [{"id": 3, "reason": "r"}]},
            "equivalent_mutant[0].id",
            "must be a string",
        ),
        (
            {
                "format_version": 1,
                "equivalent_mutant": [{"id": "arith@1:1#abcdef", "reason": "r", "why": "r"}],
            },
            "equivalent_mutant[0].why",
            "unknown key",
        ),
        (
            {
                "format_version": 1,
                "equivalent_mutant": [
                    {"id": "arith@1:1#abcdef", "reason": "r"},
                    {"id": "arith@1:1#abcdef", "reason": "r"},
                ],
            },
            "equivalent_mutant[1].id",
            "listed twice",
        ),
        (
            {"format_version": 1, "equivalent_mutant": {"id": "arith@1:1#abcdef"}},
            "equivalent_mutant",
            "must be a list",
        ),
    ],
)
def test_bad_equivalence_file_names_file_and_field(data, field, words):
    with pytest.raises(MetadataError) as caught:
        parse_equivalences(data, FILE)
    finding = caught.value.findings[0]
    assert (finding.file, finding.field) == (FILE, field) and words in finding.message


def test_stale_claim_names_field_and_where_the_mutant_moved():
    problem = load_problem(MUTANT_COURSE, SLUG)
    mutants = mutants_of(problem.reference_path.read_text())
    drop = next(m for m in mutants if m.operator == "drop-copy")
    moved = drop.id.replace("@2:", "@9:")
    claims = parse_equivalences(
        {
            "format_version": 1,
            "equivalent_mutant": [
                {"id": drop.id, "reason": "r"},
                {"id": moved, "reason": "r"},
                {"id": "arith@40:1#abcdef", "reason": "r"},
            ],
        },
        FILE,
    )
    found = stale_findings(problem, claims, mutants)
    assert [f.field for f in found] == ["equivalent_mutant[1].id", "equivalent_mutant[2].id"]
    assert all(f.file == f"reference/{SLUG}/mutants.toml" for f in found)
    assert f"now {drop.id}" in found[0].message and "changed" in found[1].message


# ---------------------------------------------------------------- judging one mutant


def test_judge_by_load_raise_tolerance_and_agreement():
    problem = load_problem(MUTANT_COURSE, SLUG)

    def out(values):
        return ArrayValue(np.array(values, dtype=np.float32), "jax")

    expected = Expected(reference={"a": out([1.0, 2.0]), "b": out([3.0])})
    run = RunReport()
    run.load_problems["bad"] = LoadProblem(
        "raised", error={"type": "NameError", "message": "name 'y' is not defined"}
    )
    run.calls.update(
        {
            ("close", "a"): Call("returned", output=out([1.0, 2.0 + 1e-7])),
            ("close", "b"): Call("returned", output=out([3.0])),
            ("raises", "a"): Call("returned", output=out([1.0, 2.0])),
            ("raises", "b"): Call("raised", error={"type": "IndexError", "message": "index 2"}),
            ("differs", "a"): Call("returned", output=out([1.0, 2.5])),
        }
    )
    assert judge(problem, ["a", "b"], expected, run, "bad")[::2] == (
        MutantStatus.INVALID,
        "does not load: NameError: name 'y' is not defined",
    )
    assert judge(problem, ["a", "b"], expected, run, "close") == (MutantStatus.SURVIVED, "", "")
    assert judge(problem, ["a", "b"], expected, run, "raises") == (
        MutantStatus.KILLED,
        "b",
        "raised IndexError: index 2",
    )
    status, case, detail = judge(problem, ["a", "b"], expected, run, "differs")
    assert (status, case) == (
        MutantStatus.KILLED,
        "a",
    ) and "output differs" in detail  # "b" has no record: killed too


def test_judge_kills_a_mutant_that_breaks_a_requirement():
    problem = load_problem(MUTANT_COURSE, SLUG)
    out = ArrayValue(np.array([1.0], dtype=np.float32), "jax")
    expected = Expected(reference={"a": out, "b": out})
    requirement = Requirement("splits", "Call nnx.split.", 1.0, (Alternative(("nnx.split",), ()),))

    def recorded(count):
        return {"output": out, RECORD_KEY: {"nnx.split": count}}

    run = RunReport()
    run.calls.update(
        {
            ("keeps", "a"): Call("returned", output=recorded(1)),
            ("keeps", "b"): Call("returned", output=recorded(1)),
            ("skips", "a"): Call("returned", output=recorded(1)),
            ("skips", "b"): Call("returned", output=recorded(0)),
        }
    )
    assert judge(problem, ["a", "b"], expected, run, "keeps", [requirement])[0] is MutantStatus.SURVIVED
    assert judge(problem, ["a", "b"], expected, run, "skips", [requirement]) == (
        MutantStatus.KILLED,
        "b",
        "requirement 'splits' is not met",
    )


def test_score_leaves_out_equivalent_and_invalid_and_meets_a_threshold():
    mutant = mutants_of("y = x[0]\n")[0]
    report = MutationReport(
        "p",
        [
            MutantResult(mutant, status, "")
            for status in [MutantStatus.KILLED] * 3
            + [MutantStatus.SURVIVED, MutantStatus.EQUIVALENT, MutantStatus.INVALID]
        ],
    )
    assert report.score == 75.0 and report.meets(75.0) and not report.meets(75.1)
    assert MutationReport("q").score is None and MutationReport("q").meets(100.0)
    report.findings.append(Finding("reference/p/mutants.toml", "equivalent_mutant[0].id", "stale"))
    assert not report.meets(0.0)


# ---------------------------------------------------------------- the real CLI


def test_cli_prints_a_score_for_the_fixture_problem():
    result = run_cli("--root", str(COURSE), "validate", "--mutants", "scale-by")
    assert result.code == 0, result.stdout + result.stderr
    assert re.search(r"^scale-by: mutation score 100% \(\d+ killed of \d+;", result.stdout, re.M)
    assert "all at or above 90%" in result.stdout


def test_cli_shows_survivors_as_diffs_and_fails_below_the_threshold():
    result = run_cli("--root", str(MUTANT_COURSE), "validate", "--mutants")
    assert result.code == 1, result.stdout + result.stderr
    assert re.search(
        rf"^{SLUG}: mutation score 71% \(5 killed of 7; 2 survived, 1 equivalent, 0 invalid\) · "
        r"below 90%",
        result.stdout,
        re.M,
    )
    survivor = re.search(
        r"survived (index-end@3:28#[0-9a-f]{6}): -1 -> 0\n(.*?)\n  (survived|equivalent)", result.stdout, re.S
    )
    assert survivor, result.stdout
    diff = survivor.group(2)
    assert (
        f"    --- reference/{SLUG}/solution.py\n    +++ reference/{SLUG}/solution.py (mutant {survivor.group(1)})\n"
        in diff
    )
    assert (
        "\n    -    out = out.at[-1].set(x[-1] * factor)\n    +    out = out.at[-1].set(x[0] * factor)\n"
        in diff
    )
    assert "equivalent drop-copy@2:11#3bb61c: x.copy() -> x: JAX arrays are immutable" in result.stdout


def test_cli_rejects_a_false_or_stale_equivalence_claim(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MUTANT_COURSE, course)
    killed = next(
        m.id
        for m in mutants_of((course / "reference" / SLUG / "solution.py").read_text())
        if m.operator == "arith"
    )
    (course / "reference" / SLUG / "mutants.toml").write_text(
        'format_version = 1\n\n[[equivalent_mutant]]\nid = "drop-copy@2:11#3bb61c"\nreason = "immutable"\n\n'
        f'[[equivalent_mutant]]\nid = "{killed}"\nreason = "wrong"\n\n'
        '[[equivalent_mutant]]\nid = "seed@30:1#abcdef"\nreason = "gone"\n'
    )
    result = run_cli("--root", str(course), "validate", "--mutants", "--min-score", "0")
    assert result.code == 1, result.stdout + result.stderr
    where = f"reference/{SLUG}/mutants.toml: equivalent_mutant"
    assert f"{where}[1].id: mutant {killed} is marked equivalent, but case " in result.stdout
    assert f"{where}[2].id: no mutant of the reference has the id seed@30:1#abcdef" in result.stdout


def test_cli_bad_equivalence_file_and_static_conflict(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MUTANT_COURSE, course)
    (course / "reference" / SLUG / "mutants.toml").write_text(
        'format_version = 1\n[[equivalent_mutant]]\nid = "drop-copy@2:11#3bb61c"\n'
    )
    result = run_cli("--root", str(course), "validate", "--mutants")
    assert result.code == 1
    assert f"reference/{SLUG}/mutants.toml: equivalent_mutant[0].reason: is required" in result.stdout
    assert f"{SLUG}: not analysed" in result.stdout
    conflict = run_cli("--root", str(course), "validate", "--mutants", "--static")
    assert conflict.code == 2 and "--static" in conflict.stderr


def test_cli_refuses_to_judge_when_the_unchanged_reference_does_not_reproduce_itself(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MUTANT_COURSE, course)
    (course / "reference" / SLUG / "solution.py").write_text(
        "import numpy as np\n\n\ndef scale_last_row(x, factor):\n"
        "    return x * factor + np.random.default_rng().random()  # unseeded: differs on every call\n"
    )
    (course / "reference" / SLUG / "mutants.toml").unlink()
    result = run_cli("--root", str(course), "validate", "--mutants", "--min-score", "0")
    assert result.code == 1, result.stdout + result.stderr
    assert (
        f"reference/{SLUG}/solution.py: def scale_last_row: the unchanged reference, run beside its mutants, "
        "does not reproduce its expected outputs"
    ) in result.stdout
    assert f"{SLUG}: not analysed" in result.stdout and "survived" not in result.stdout


@pytest.mark.slow
def test_every_problem_of_the_course_reaches_the_mutation_threshold():
    """`grader validate --mutants` on the whole bundled course: a score per problem, each at
    least 90% of the mutants that are not marked equivalent."""
    result = run_cli("validate", "--mutants", timeout=3000)
    slugs = sorted(p.name for p in (REPO / "problems").iterdir() if (p / "problem.toml").is_file())
    for slug in slugs:
        assert re.search(rf"{re.escape(slug)}\b.*\d+%", result.stdout), (slug, result.stdout[-3000:])
    assert result.code == 0, result.stdout[-3000:] + result.stderr
