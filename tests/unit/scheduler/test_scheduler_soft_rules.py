"""S-3 breaks and the soft rules R-9 … R-12: each penalty shows in the result."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from scheduler_factories import day, make_problem, make_roster, row_of, rules_broken, solve_checked

from scheduler import io
from scheduler.result import Status

LUNCH = [
    {
        "shift": "D",
        "minutes": 60,
        "start_options": ["11:00", "12:00", "13:00"],
        "min_on_duty": [{"from": "12:00", "to": "13:00", "min": 2}],
    }
]
DAY_SHIFT = [{"code": "D", "name": "白班", "start": "08:00", "end": "17:00"}]


def test_S3_breaks_keep_min_on_duty_and_a_break_does_not_count_for_coverage() -> None:
    coverage = [{"from": "08:00", "to": "17:00", "min": 2}]
    fixed = [{"agent": f"A0{i}", "date": day(0), "shift": "D"} for i in range(1, 5)]
    problem = make_problem(
        days=1, agents=4, shift_types=DAY_SHIFT, breaks=LUNCH, coverage=coverage, fixed=fixed
    )
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL
    starts = Counter(a.break_start.hour for a in result.assignments if a.break_start)
    assert starts[12] <= 2 and sum(starts.values()) == 4
    all_at_noon = make_roster(problem, {f"A0{i}": "D" for i in range(1, 5)}, breaks="12:00")
    assert "S-3" in rules_broken(problem, all_at_noon)


def test_R9_fairness_spreads_nights_and_reports_the_penalty() -> None:
    coverage = [{"from": "23:00", "to": "24:00", "min": 1}]
    rules = {"weights": {"target_hours": 0, "fairness_hours": 0, "fairness_weekends": 0}}
    problem = make_problem(days=6, agents=3, coverage=coverage, rules=rules)
    result = solve_checked(problem)
    nights = Counter(a.agent for a in result.assignments if a.shift == "N")
    assert len(nights) == 3 and len(set(nights.values())) == 1
    assert result.penalties["fairness_nights"] == 0


def test_R9_rest_days_rotate_instead_of_repeating_the_weekday() -> None:
    rules = {"weights": {"target_hours": 0, "fairness_hours": 0}}
    want = [{"date": day(i), "shift": "E", "requirement": 2, "under_weight": 1} for i in range(14)]
    problem = make_problem(days=14, agents=2, shift_cover=want, rules=rules)
    result = solve_checked(problem)
    for agent in ("A01", "A02"):
        row = row_of(result, agent, 14)
        assert all(not (row[i] == row[i + 7] == "-") for i in range(7))
    assert result.penalties["rest_weekday_repeat"] == 0


def test_R10_preferences_are_met_when_they_can_be_and_cost_their_weight() -> None:
    prefs: list[dict[str, Any]] = [
        {"agent": "A01", "date": day(2), "off": True, "weight": 3},
        {"agent": "A02", "date": day(1), "shift": "N", "want": True, "weight": 2},
        {"agent": "A03", "date": day(0), "shift": "E", "want": False, "weight": 2},
    ]
    problem = make_problem(days=3, agents=3, preferences=prefs)
    result = solve_checked(problem)
    assert row_of(result, "A01", 3)[2] == "-"
    assert row_of(result, "A02", 3)[1] == "N"
    assert row_of(result, "A03", 3)[0] != "E"
    assert result.penalties["preferences"] == 0


def test_R11_stability_keeps_the_published_roster_where_it_can() -> None:
    current = [
        {"agent": "A01", "date": day(0), "shift": "E"},
        {"agent": "A02", "date": day(0), "shift": "L"},
        {"agent": "A03", "date": day(0), "shift": "N"},
        {"agent": "A01", "date": day(1), "shift": "L"},
        {"agent": "A02", "date": day(1), "shift": "E"},
    ]
    leave = [{"agent": "A02", "date": day(1), "reason": "sick"}]
    problem = make_problem(days=2, agents=3, current=current, unavailable=leave)
    result = solve_checked(problem)
    assert row_of(result, "A01", 2) == "EL"
    assert row_of(result, "A03", 2) == "N-"
    assert result.penalties["stability"] == 20


def test_R12_hours_near_the_weekly_target() -> None:
    agents = [{"id": f"A0{i}", "team": "T1", "target_hours_week": 40} for i in range(1, 4)]
    problem = make_problem(agents=agents)
    result = solve_checked(problem)
    for agent in ("A01", "A02", "A03"):
        assert sum(c != "-" for c in row_of(result, agent, 7)) == 5
    assert result.penalties["target_hours"] == 0


def test_soft_rules_switched_off_by_zero_weights_report_nothing() -> None:
    weights = {name: 0 for name in ("fairness_nights", "fairness_weekends", "fairness_hours")}
    weights |= {"rest_weekday_repeat": 0, "stability": 0, "target_hours": 0, "preferences": 0}
    problem = make_problem(days=3, agents=2, rules={"weights": weights})
    result = solve_checked(problem)
    assert result.objective == 0
    assert result.penalties == {}


def test_S3_a_fixed_break_start_is_kept() -> None:
    fixed = [{"agent": f"A0{i}", "date": day(0), "shift": "D"} for i in range(1, 5)]
    fixed[3]["break_start"] = "12:00"
    problem = make_problem(days=1, agents=4, shift_types=DAY_SHIFT, breaks=LUNCH, fixed=fixed)
    result = solve_checked(problem)
    mine = next(a for a in result.assignments if a.agent == "A04")
    assert mine.break_start is not None and mine.break_start.hour == 12
    moved = make_roster(problem, {f"A0{i}": "D" for i in range(1, 5)}, breaks="11:00")
    assert "fixed" in rules_broken(problem, moved)
    fixed[3]["break_start"] = "12:30"
    with pytest.raises(io.ProblemFormatError, match=r"fixed\[3\].break_start"):
        make_problem(days=1, agents=4, shift_types=DAY_SHIFT, breaks=LUNCH, fixed=fixed)


def test_R10_an_unmet_wish_is_explained_by_a_labelled_penalty() -> None:
    wish = [{"agent": "A01", "date": day(0), "off": True, "weight": 3}]
    coverage = [{"from": "08:00", "to": "12:00", "min": 2}]
    weights = {"fairness_hours": 0, "target_hours": 0, "fairness_weekends": 0}
    problem = make_problem(
        days=1, agents=2, coverage=coverage, preferences=wish, rules={"weights": weights}
    )
    result = solve_checked(problem)
    assert result.penalties["preferences"] == 3
    details = {(d.weight, d.label, d.amount) for d in result.penalty_details}
    assert ("preferences", "A01 wants day off on 2026-11-23", 3) in details
