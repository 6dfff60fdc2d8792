"""FORMATS §1/§2 readers and writers, bad-input JSON paths, and the command line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scheduler_factories import day, make_problem, problem_data, solve_checked

from scheduler import cli, io, settings
from scheduler.benchmarks.scale import scale_problem_data
from scheduler.result import Status

FORMATS_EXAMPLE = {
    "horizon": {"start": "2026-11-23", "days": 7},
    "slot_minutes": 30,
    "shift_types": [
        {"code": "E", "name": "早班", "start": "07:30", "end": "16:00"},
        {"code": "M", "name": "中班", "start": "13:00", "end": "21:00"},
        {"code": "D", "name": "白班", "start": "08:00", "end": "17:00"},
        {"code": "N", "name": "夜班", "start": "17:00", "end": "07:30"},
    ],
    "agents": [
        {
            "id": f"A0{i}",
            "team": "T1",
            "skills": ["zh", "en"],
            "target_hours_week": 40,
            "max_hours_week": 60,
            "history": {"days_worked_in_a_row": 3, "last_shift_end": "2026-11-22T21:00"},
        }
        for i in range(1, 4)
    ],
    "coverage": [
        {"weekdays": [0, 1, 2, 3, 4, 5, 6], "from": "00:00", "to": "24:00", "min": 1},
        {"weekdays": [0, 1, 2, 3, 4], "from": "09:00", "to": "12:00", "min": 3, "skill": "en"},
    ],
    "breaks": [
        {
            "shift": "D",
            "minutes": 60,
            "start_options": ["11:00", "12:00", "13:00"],
            "min_on_duty": [{"from": "12:00", "to": "13:00", "min": 2}],
        }
    ],
    "unavailable": [{"agent": "A01", "date": "2026-11-24", "reason": "leave"}],
    "preferences": [
        {"agent": "A01", "date": "2026-11-25", "off": True, "weight": 3},
        {"agent": "A02", "date": "2026-11-25", "shift": "N", "want": False, "weight": 2},
    ],
    "fixed": [{"agent": "A03", "date": "2026-11-23", "shift": "E"}],
    "current": [{"agent": "A03", "date": "2026-11-24", "shift": "N"}],
    "rules": {
        "max_days_in_a_row": 6,
        "max_rest_days_per_team_per_day": 1,
        "min_rest_hours": 9,
        "weights": {},
    },
    "shift_cover": [
        {
            "date": "2026-11-23",
            "shift": "E",
            "requirement": 1,
            "under_weight": 100,
            "over_weight": 1,
        }
    ],
}


def test_problem_round_trips_through_json(tmp_path: Path) -> None:
    problem = io.parse_problem(FORMATS_EXAMPLE)
    io.write_problem(problem, tmp_path / "p.json")
    assert io.read_problem(tmp_path / "p.json") == problem
    assert problem.coverage[0].end.hour == 0
    assert io.problem_to_dict(problem)["coverage"][0]["to"] == "24:00"


def test_roster_round_trips_through_json(tmp_path: Path) -> None:
    problem = make_problem(days=2, agents=3, coverage=[{"from": "08:00", "to": "10:00", "min": 4}])
    result = solve_checked(problem)
    assert result.status is Status.UNDERSTAFFED
    io.write_result(result, tmp_path / "r.json")
    again = io.read_result(tmp_path / "r.json")
    assert again.assignments == result.assignments
    assert again.rest_days == result.rest_days
    assert again.uncovered == result.uncovered
    assert again.penalties == result.penalties
    assert again.penalty_details == result.penalty_details
    assert again.status is result.status


def test_bad_problem_lists_every_error_with_its_json_path() -> None:
    data = problem_data(days=2, agents=3)
    data["horizon"] = {"start": "2026-02-30"}
    data["agents"][2] = {"id": "A03", "skills": "en"}
    data["agents"][1]["id"] = "A01"
    data["coverage"] = [{"from": "25:00", "to": "24:00", "weekdays": [7]}]
    data["fixed"] = [{"agent": "Z9", "date": day(0), "shift": "X"}]
    data["rules"] = {"max_days_in_a_row": "six", "weights": {"stability": -1}}
    with pytest.raises(io.ProblemFormatError) as caught:
        io.parse_problem(data)
    assert set(caught.value.errors) >= {
        "horizon.start: must be a date YYYY-MM-DD",
        "horizon.days: required",
        "agents[2].team: required",
        "agents[2].skills: must be a list",
        "coverage[0].from: must be a time HH:MM",
        "coverage[0].min: required",
        "coverage[0].weekdays[0]: must be an integer 0..6",
        "rules.max_days_in_a_row: must be an integer",
        "rules.weights.stability: must be at least 0",
    }
    assert not [e for e in caught.value.errors if "outside the horizon" in e]


def test_bad_references_name_the_field() -> None:
    data = problem_data(days=2, agents=2)
    data["agents"][1]["id"] = "A01"
    data["fixed"] = [{"agent": "Z9", "date": day(5), "shift": "X"}]
    with pytest.raises(io.ProblemFormatError) as caught:
        io.parse_problem(data)
    assert caught.value.errors == [
        'agents[1].id: duplicate "A01"',
        'fixed[0].agent: unknown agent "Z9"',
        'fixed[0].shift: unknown shift type "X"',
        "fixed[0].date: outside the horizon",
    ]


def test_cli_solves_a_file_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.json").write_text(json.dumps(problem_data(days=2, agents=3)))
    code = cli.main(
        [
            "solve-file",
            str(tmp_path / "p.json"),
            "--out",
            str(tmp_path / "r.json"),
            "--time-limit",
            "5",
            "--workers",
            "1",
            "--seed",
            "3",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.startswith("OPTIMAL objective=")
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "OPTIMAL"


def test_cli_exit_codes_for_bad_input_and_infeasible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.json").write_text('{"horizon": {}}')
    assert cli.solve_file_command(tmp_path / "bad.json", tmp_path / "r.json", 5, 1, 0) == 2
    assert "horizon.start: required" in capsys.readouterr().err
    (tmp_path / "inf.json").write_text(json.dumps(problem_data(days=7, agents=10)))
    assert cli.solve_file_command(tmp_path / "inf.json", tmp_path / "r.json", 5, 1, 0) == 3
    assert "(R-4)" in capsys.readouterr().out
    assert cli.EXIT_CODES[Status.UNKNOWN] == 4


def test_ctrl_c_stops_solve_file_with_the_best_roster_so_far(tmp_path: Path) -> None:
    """Ctrl-C cancels the solve: the roster found so far is written and the command exits at
    once, not when the time limit ends (CP-SAT's own SIGINT handler, left on, would swallow
    the signal and end only the current phase)."""
    (tmp_path / "p.json").write_text(json.dumps(scale_problem_data(105, 7)))
    out = tmp_path / "r.json"
    arguments = [str(tmp_path / "p.json"), "--out", str(out), "--time-limit", "120"]
    # As from a terminal: a suite run in the background would pass SIGINT on ignored.
    run = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        f"sys.argv = ['scheduler', 'solve-file', *{arguments!r}]; "
        "runpy.run_module('scheduler', run_name='__main__')"
    )
    command = [sys.executable, "-c", run]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stderr is not None
        assert child.stderr.readline().startswith("solving ")
        time.sleep(10)  # a roster by then: the first at 0.4 s, covered at 2.2 s
        child.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert time.monotonic() - interrupted < 30
    assert "interrupted: stopping with the best roster so far" in stderr
    assert child.returncode == 0, stderr
    written = json.loads(out.read_text())
    assert written["status"] in ("FEASIBLE", "UNDERSTAFFED") and written["assignments"]
    assert stdout.startswith(written["status"])


def test_every_cp_sat_solver_of_the_engine_leaves_ctrl_c_to_the_process() -> None:
    """Solvers come from `settings.new_solver` (CP-SAT's SIGINT handler off), so no phase of
    any solve can take Ctrl-C from the command line or the web server."""
    package = Path(cli.__file__).parent
    raw = [
        f"{source.relative_to(package)}:{number}"
        for source in sorted(package.rglob("*.py"))
        if source.name != "settings.py"
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
        if "CpSolver()" in line
    ]
    assert raw == []
    assert settings.new_solver().parameters.catch_sigint_signal is False


def test_an_error_in_the_solve_thread_reaches_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object, **kwargs: object) -> None:
        raise ValueError("no roster today")

    monkeypatch.setattr(cli, "solve", fails)
    problem = make_problem(days=2, agents=3)
    with pytest.raises(ValueError, match="no roster today"):
        cli.solve_until_interrupted(problem, settings.SolverSettings(time_limit=1, workers=1))
