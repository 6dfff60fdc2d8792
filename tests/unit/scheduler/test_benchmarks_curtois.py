"""Curtois & Qu benchmark: reader, engine converter, independent evaluator, roster files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.benchmarks.curtois import (
    Cover,
    Instance,
    Request,
    Shift,
    Staff,
    format_roster,
    parse_roster,
    read_instance,
    read_roster,
    write_roster,
)
from scheduler.benchmarks.curtois_check import Parts, evaluate, parts
from scheduler.benchmarks.curtois_engine import solve_with_engine, to_problem
from scheduler.benchmarks.curtois_model import DedicatedSettings, solve_dedicated
from scheduler.check import check_roster
from scheduler.settings import SolverSettings
from scheduler.solve import solve

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "curtois"


def test_benchmark_data_is_beside_the_repository() -> None:
    # CI and every developer machine have shared/ beside the clone; missing data is an error.
    assert (DATA / "Instance1.txt").exists(), f"{DATA} is missing"


FAST = SolverSettings(time_limit=10, workers=1, seed=1)


@pytest.fixture(scope="module")
def instance1() -> Instance:
    return read_instance(DATA / "Instance1.txt")


@pytest.fixture(scope="module")
def engine_roster(instance1: Instance) -> dict[str, tuple[str | None, ...]]:
    outcome = solve_with_engine(instance1, FAST)
    assert outcome.roster is not None
    return dict(outcome.roster)


def test_reader_gives_instance1_sections(instance1: Instance) -> None:
    assert instance1.horizon == 14
    assert [s.id for s in instance1.shifts] == ["D"]
    assert instance1.shifts[0].minutes == 480 and instance1.shifts[0].cannot_follow == ()
    assert [s.id for s in instance1.staff] == list("ABCDEFGH")
    a = instance1.staff[0]
    assert (a.max_shifts, a.max_total_minutes, a.min_total_minutes) == ({"D": 14}, 4320, 3360)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert instance1.days_off["A"] == frozenset({0})
    assert instance1.on_requests[0].weight == 2 and len(instance1.off_requests) == 5
    assert len(instance1.cover) == 14 and instance1.cover[0].under_weight == 100


def test_engine_objective_equals_the_evaluator_and_the_known_optimum_607(
    instance1: Instance,
) -> None:
    problem = to_problem(instance1)
    result = solve(problem, FAST)
    assert check_roster(problem, result) == []
    outcome = solve_with_engine(instance1, FAST)
    assert outcome.roster is not None and outcome.objective is not None
    verdict = evaluate(instance1, outcome.roster)
    assert verdict.valid
    assert verdict.objective == outcome.objective == 607


def test_engine_in_the_readme_reading_keeps_edge_runs_long(instance1: Instance) -> None:
    problem = to_problem(instance1, strict_edges=True)
    result = solve(problem, FAST)
    assert check_roster(problem, result) == []
    assert result.objective == 607


def test_dedicated_model_reaches_607_and_the_evaluator_agrees(instance1: Instance) -> None:
    outcome = solve_dedicated(instance1, DedicatedSettings(time_limit=10, workers=1, seed=1))
    assert outcome.roster is not None
    verdict = evaluate(instance1, outcome.roster)
    assert verdict.valid and verdict.objective == outcome.objective == 607


def test_dedicated_model_in_the_readme_reading_keeps_edge_runs_long(instance1: Instance) -> None:
    settings = DedicatedSettings(time_limit=10, workers=1, seed=1, strict_edges=True)
    outcome = solve_dedicated(instance1, settings)
    assert outcome.roster is not None
    assert evaluate(instance1, outcome.roster, strict_edges=True).valid


def _breaches(
    instance: Instance, roster: dict[str, tuple[str | None, ...]], **kw: bool
) -> set[str]:
    return {b.kind for b in evaluate(instance, roster, **kw).breaches}


def _with_row(
    roster: dict[str, tuple[str | None, ...]], who: str, row: str
) -> dict[str, tuple[str | None, ...]]:
    return {**roster, who: tuple(None if c == "-" else c for c in row)}


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ("-DDDDDD-------", "max_consecutive_shifts"),
        ("-DD-D--DD-----", "min_consecutive_shifts"),
        ("-DD-DD--DD----", "min_consecutive_days_off"),
        ("-DDDDD-DDDDD-D", "max_total_minutes"),
        ("-DD-----------", "min_total_minutes"),
        ("-DDDDD-DDDD-DD", "max_weekends"),
        ("DDDDD--DDDD---", "days_off"),
    ],
)
def test_evaluator_flags_each_hard_rule_on_employee_a(
    instance1: Instance, engine_roster: dict[str, tuple[str | None, ...]], row: str, kind: str
) -> None:
    assert kind in _breaches(instance1, _with_row(engine_roster, "A", row))


def test_evaluator_flags_max_shifts_rotation_and_unknown_shifts(instance1: Instance) -> None:
    two = Instance(
        "two",
        7,
        shifts=(instance1.shifts[0].__class__("L", 480, ("D",)), instance1.shifts[0]),
        staff=(instance1.staff[0].__class__("A", {"L": 1}, 9999, 0, 7, 1, 1, 9),),
        days_off={},
        on_requests=(),
        off_requests=(),
        cover=(),
    )
    assert "rotation" in _breaches(two, {"A": ("L", "D", None, None, None, None, None)})
    assert "max_shifts" in _breaches(two, {"A": ("L", None, "L", None, None, None, None)})
    assert "one_shift" in _breaches(two, {"A": ("X", None, None, None, None, None, None)})
    assert "one_shift" in _breaches(two, {"A": ("L",)})
    assert _breaches(two, {"A": ("D", "L", None, None, None, None, None)}) == set()


def test_edge_runs_of_work_pass_unless_strict(
    instance1: Instance, engine_roster: dict[str, tuple[str | None, ...]]
) -> None:
    edge = _with_row(engine_roster, "B", "D----DDDDD---D")
    assert "min_consecutive_shifts" not in _breaches(instance1, edge)
    assert "min_consecutive_shifts" in _breaches(instance1, edge, strict_edges=True)


def test_evaluator_objective_counts_requests_and_cover(instance1: Instance) -> None:
    nobody: dict[str, tuple[str | None, ...]] = {s.id: (None,) * 14 for s in instance1.staff}
    on = sum(r.weight for r in instance1.on_requests)
    under = sum(c.under_weight * c.requirement for c in instance1.cover)
    assert evaluate(instance1, nobody).objective == on + under


def test_objective_parts_split_it_by_cover_short_and_over_and_requests() -> None:
    # Two days, one shift: day 0 needs 2 (A works: 1 short), day 1 needs 1 (A and B: 1 over).
    shift = Shift("D", 480, ())
    staff = tuple(Staff(who, {}, 9999, 0, 9, 1, 1, 9) for who in ("A", "B"))
    tiny = Instance(
        "tiny",
        2,
        shifts=(shift,),
        staff=staff,
        days_off={},
        on_requests=(Request("B", 0, "D", 3), Request("A", 0, "D", 5)),
        off_requests=(Request("A", 1, "D", 2), Request("B", 0, "D", 7)),
        cover=(Cover(0, "D", 2, 100, 1), Cover(1, "D", 1, 100, 10)),
    )
    roster: dict[str, tuple[str | None, ...]] = {"A": ("D", "D"), "B": (None, "D")}
    verdict = evaluate(tiny, roster)
    assert verdict.parts == parts(tiny, roster)
    assert verdict.parts == Parts(
        short=1, under_cost=100, extra=1, over_cost=10, on_requests=3, off_requests=2
    )
    assert verdict.parts.total == verdict.objective == 115


def test_roster_txt_round_trip(
    tmp_path: Path, instance1: Instance, engine_roster: dict[str, tuple[str | None, ...]]
) -> None:
    path = tmp_path / "Instance1.roster.txt"
    write_roster(path, instance1, engine_roster)
    assert read_roster(path) == engine_roster
    first = format_roster(instance1, engine_roster).splitlines()[0].split("\t")
    assert first[0] == "A" and len(first) == 15
    assert parse_roster("A\tD\t\t\n") == {"A": ("D", None, None)}
