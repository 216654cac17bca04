"""One status per problem: every sequence of hint, check (pass, fail, error) and reset leaves
`grader list`, `grader progress`, the watch screen and `grader solution` telling the same story."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from grader.cli.app import app
from grader.course.catalogue import load_catalogue
from grader.course.progress import SolutionLocked, load_progress, reference_source
from grader.course.workspace import Workspace
from grader.interactive.watch_loop import WatchLoop
from grader.interactive.watch_view import render_screen
from helpers import COURSE, run_cli

SLUG, OTHER = "scale-by", "scale-again"
EVENTS = ("hint", "pass", "fail", "error", "reset")
CHECKED = {"pass": "passed", "fail": "failed", "error": "error"}
SYMBOL = {"passed": "✓", "failed": "✗", "error": "!"}
RIGHT = "import jax.numpy as jnp\n\n\ndef scale_by(x, factor):\n    return x * factor\n"
WRONG = "import jax.numpy as jnp\n\n\ndef scale_by(x, factor):\n    return x + factor\n"


def two_problem_course(root):
    """The fixture course plus a second problem, so counts and "next" have something to choose."""
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("problems", "reference"):
        shutil.copytree(root / part / SLUG, root / part / OTHER)
    toml = root / "problems" / OTHER / "problem.toml"
    toml.write_text(
        toml.read_text()
        .replace('title = "Scale an array"', 'title = "Scale it again"')
        .replace("position = 1", "position = 2")
    )
    return root


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return two_problem_course(tmp_path_factory.mktemp("states") / "course")


@dataclass
class Expected:
    """What a learner should see, worked out from the events alone (independently of the grader)."""

    solved: bool = False
    latest: str | None = None
    checks: int = 0
    hints: int = 0
    events: list = field(default_factory=list)

    def apply(self, event: str, hints_total: int) -> None:
        self.events.append(event)
        if event == "hint":
            self.hints = min(self.hints + 1, hints_total)
        elif event in CHECKED:
            self.latest = CHECKED[event]
            self.checks += 1
            self.solved = self.solved or event == "pass"
        # reset restores the file; what was achieved stays achieved

    @property
    def label(self) -> str:
        if self.solved:
            extra = f" (latest: {self.latest})" if self.latest != "passed" else ""
            return "✓ solved" + extra
        if self.latest is None:
            return "· not started"
        return f"{SYMBOL[self.latest]} {self.latest}"


def apply_event(workspace: Workspace, problem, event: str) -> None:
    """As the commands do it: `grader hint`, the recording at the end of `grader check`, `grader reset`."""
    if event == "hint":
        workspace.next_hint(problem)
    elif event in CHECKED:
        workspace.record_check(problem.slug, CHECKED[event])
    else:
        workspace.reset(problem)


def table_cells(output: str, column: str) -> dict[str, str]:
    """Each row's text in ``column`` of a rich table, keyed by slug; a cell that wraps onto more
    lines is joined with single spaces."""
    rows: dict[str, list[str]] = {}
    header = slug_at = at = None
    current = None
    for line in output.splitlines():
        if "┃" in line and header is None:
            header = [c.strip() for c in line.split("┃")[1:-1]]
            slug_at, at = header.index("slug"), header.index(column)
            continue
        if "│" not in line or header is None:
            continue
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) != len(header):
            continue
        if cells[slug_at]:
            current = cells[slug_at]
            rows[current] = []
        if current is not None and cells[at]:
            rows[current].append(cells[at])
    return {slug: " ".join(parts) for slug, parts in rows.items()}


def invoke(root, workspace, *args) -> str:
    result = CliRunner().invoke(
        app,
        ["--root", str(root), "--workspace", str(workspace), *args],
        env={"COLUMNS": "120", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    return result.output


def assert_views_agree(root, folder, expected: Expected) -> None:
    problems = load_catalogue(root).problems
    workspace = Workspace(folder)
    story = " → ".join(expected.events) or "(nothing)"
    want = {SLUG: expected.label, OTHER: "· not started"}
    solved_line = f"{int(expected.solved)}/2 solved"

    progress = load_progress(problems, workspace).get(SLUG)
    assert (progress.solved, progress.latest, progress.attempts, progress.hints_shown) == (
        expected.solved,
        expected.latest,
        expected.checks,
        expected.hints,
    ), story

    listing = invoke(root, folder, "list")
    assert table_cells(listing, "status") == want, f"list after {story}:\n{listing}"
    assert solved_line in listing, story

    summary = invoke(root, folder, "progress")
    assert table_cells(summary, "status") == want, f"progress after {story}:\n{summary}"
    assert table_cells(summary, "checks")[SLUG] == str(expected.checks), story
    assert table_cells(summary, "hints")[SLUG] == f"{expected.hints}/2", story
    assert f"{solved_line}, {expected.checks} checks in all." in summary, story
    assert f"Next: {OTHER if expected.solved else SLUG} ·" in summary, story

    for slug in (SLUG, OTHER):
        loop = WatchLoop.open(problems, workspace, slug)
        screen = render_screen(loop, 120, 40, color=False)
        title = screen.splitlines()[0]
        assert title.rstrip().endswith("  " + want[slug]), f"watch on {slug} after {story}:\n{screen}"
        assert solved_line in screen, story
    loop.on_key("l")
    listed = render_screen(loop, 120, 40, color=False)
    assert table_cells(listed, "status") == want, f"watch's list after {story}:\n{listed}"

    for text in (listing, summary, screen, listed):
        assert "None" not in text, story

    problem = next(p for p in problems if p.slug == SLUG)
    if expected.solved:
        assert "x * factor" in reference_source(problem, workspace), story
    else:
        with pytest.raises(SolutionLocked):
            reference_source(problem, workspace)


SEQUENCES = [seq for n in range(4) for seq in itertools.product(EVENTS, repeat=n)]


@pytest.mark.parametrize("events", SEQUENCES, ids=lambda seq: "-".join(seq) or "nothing")
def test_every_short_sequence_leaves_list_progress_and_watch_in_agreement(course, tmp_path, events):
    problem = load_catalogue(course).get(SLUG)
    expected = Expected()
    for event in events:
        apply_event(Workspace(tmp_path / "ws"), problem, event)
        expected.apply(event, len(problem.hints))
    assert_views_agree(course, tmp_path / "ws", expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(st.sampled_from(EVENTS), min_size=4, max_size=10))
def test_longer_sequences_agree_too(course, tmp_path_factory, events):
    folder = tmp_path_factory.mktemp("ws")
    problem = load_catalogue(course).get(SLUG)
    expected = Expected()
    for event in events:
        apply_event(Workspace(folder), problem, event)
        expected.apply(event, len(problem.hints))
    assert_views_agree(course, folder, expected)


def test_a_hint_alone_leaves_no_none_behind(course, tmp_path):
    """The report: after `grader hint` on a problem never checked, `list` showed the status None."""
    folder = tmp_path / "ws"
    assert "Hint 1/2" in invoke(course, folder, "hint", SLUG)
    assert table_cells(invoke(course, folder, "list"), "status")[SLUG] == "· not started"
    assert table_cells(invoke(course, folder, "progress"), "status")[SLUG] == "· not started"


def test_solving_everything_then_failing_keeps_everything_solved(course, tmp_path):
    """The report: after solving all and then checking wrong versions, `list` said fewer were solved
    than `progress` did."""
    folder = tmp_path / "ws"
    workspace = Workspace(folder)
    for slug in (SLUG, OTHER):
        workspace.record_check(slug, "passed")
    workspace.record_check(SLUG, "failed")
    workspace.record_check(OTHER, "error")
    listing, summary = invoke(course, folder, "list"), invoke(course, folder, "progress")
    assert "2/2 solved" in listing and "2/2 solved" in summary
    want = {SLUG: "✓ solved (latest: failed)", OTHER: "✓ solved (latest: error)"}
    assert table_cells(listing, "status") == table_cells(summary, "status") == want


def test_a_state_file_with_odd_entries_still_shows_a_status(course, tmp_path):
    folder = tmp_path / "ws"
    Workspace(folder).update_problem(SLUG, status=None, attempts="many", hints_shown="lots", first_solved="")
    Workspace(folder).update_problem(
        OTHER, status="passed", hints_shown=-3
    )  # from a version without first_solved
    listing = invoke(course, folder, "list")
    assert table_cells(listing, "status") == {SLUG: "· not started", OTHER: "✓ solved"}
    assert "1/2 solved" in listing and "None" not in listing
    summary = invoke(course, folder, "progress")
    assert table_cells(summary, "hints") == {SLUG: "0/2", OTHER: "0/2"}
    loop = WatchLoop.open(load_catalogue(course).problems, Workspace(folder), SLUG)
    assert loop.hints == [] and "· not started" in render_screen(loop, 100, 30, color=False).splitlines()[0]


@pytest.mark.slow
def test_real_checks_pass_then_fail_and_the_views_agree(tmp_path):
    """`grader check` itself records what the views read."""
    root = two_problem_course(tmp_path / "course")
    folder = root / "workspace"
    folder.mkdir()
    base = ("--root", str(root), "--workspace", str(folder))
    (folder / f"{SLUG}.py").write_text(RIGHT)
    assert run_cli(*base, "check", SLUG).code == 0
    (folder / f"{SLUG}.py").write_text(WRONG)
    assert run_cli(*base, "check", SLUG).code == 1
    expected = Expected(solved=True, latest="failed", checks=2, events=["check right", "check wrong"])
    assert_views_agree(root, folder, expected)
    shown = run_cli(*base, "solution", SLUG)
    assert shown.code == 0 and "return x * factor" in shown.stdout
