"""Scale benchmark generator: FORMATS §1 problems the engine reads, solves and checks."""

from __future__ import annotations

from scheduler import io
from scheduler.benchmarks.scale import SIZES, TEAM_SIZE, scale_problem_data
from scheduler.check import check_roster
from scheduler.result import Status
from scheduler.settings import SolverSettings
from scheduler.solve import solve


def test_smallest_size_is_read_solved_and_accepted_by_the_checker() -> None:
    agents, days = SIZES[0]
    problem = io.parse_problem(scale_problem_data(agents, days))
    result = solve(problem, SolverSettings(time_limit=3, workers=1, seed=1))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.UNDERSTAFFED)
    assert check_roster(problem, result) == []


def test_history_is_what_a_valid_previous_roster_leaves() -> None:
    problem = io.parse_problem(scale_problem_data(21, 7))
    for team in problem.teams().values():
        runs = [a.history.days_worked_in_a_row for a in team]
        assert len(team) == TEAM_SIZE and max(runs) < 6
        assert sorted(runs) == [0, 0, 1, 2, 3, 4, 5]
        for agent in team:
            end = agent.history.last_shift_end
            assert end is not None
            days_before = (problem.horizon.start - end.date()).days
            assert days_before == (0 if end.time().hour < 12 else 1) or runs.count(0) == 2


def test_every_size_has_a_24_hour_call_curve_and_an_english_window() -> None:
    data = scale_problem_data(*SIZES[1])
    weekday = [w for w in data["coverage"] if w["weekdays"][0] == 0 and "skill" not in w]
    assert weekday[0]["from"] == "00:00" and weekday[-1]["to"] == "24:00"
    assert all(w["min"] >= 1 for w in data["coverage"])
    peaks = sorted(weekday, key=lambda w: -w["min"])
    assert {peaks[0]["from"], peaks[1]["from"]} <= {"09:00", "14:00"}
    assert any(w.get("skill") == "en" for w in data["coverage"])
    assert data["unavailable"] and all(u["reason"] == "leave" for u in data["unavailable"])
