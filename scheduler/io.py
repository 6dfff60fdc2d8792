"""Read and write FORMATS.md §1 (problem) and §2 (roster) JSON; bad input lists every error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from scheduler import problem as p
from scheduler import problem_json
from scheduler.fields import FieldReader, format_time
from scheduler.result import PenaltyDetail, RestDay, Result, Status, Uncovered
from scheduler.validation import check_references


class ProblemFormatError(ValueError):
    """A problem or roster file is malformed; `errors` holds one `path: message` per error."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def read_problem(path: str | Path) -> p.Problem:
    """Read a FORMATS §1 problem file, raising ProblemFormatError listing every error."""
    return parse_problem(_load_json(path))


def parse_problem(data: Any) -> p.Problem:
    """Build a Problem from decoded JSON, raising ProblemFormatError listing every error."""
    r = FieldReader()
    if not isinstance(data, dict):
        raise ProblemFormatError(["$: must be an object"])
    horizon = r.obj(data, "horizon", "", _horizon, required=True)
    shifts = r.items(data, "shift_types", "", _shift_type, required=True)
    agents = r.items(data, "agents", "", _agent, required=True)
    problem = p.Problem(
        horizon=horizon or p.Horizon(dt.date(2000, 1, 3), 1),
        shift_types=tuple(shifts),
        agents=tuple(agents),
        slot_minutes=r.integer(data, "slot_minutes", "", default=30, low=1) or 30,
        coverage=tuple(r.items(data, "coverage", "", _coverage)),
        breaks=tuple(r.items(data, "breaks", "", _break_rule)),
        unavailable=tuple(r.items(data, "unavailable", "", _unavailability)),
        preferences=tuple(r.items(data, "preferences", "", _preference)),
        fixed=tuple(r.items(data, "fixed", "", _assignment)),
        current=tuple(r.items(data, "current", "", _assignment)),
        shift_cover=tuple(r.items(data, "shift_cover", "", _shift_cover)),
        rules=r.obj(data, "rules", "", _rules) or p.Rules(),
    )
    if 1440 % problem.slot_minutes:
        r.error("slot_minutes", "must divide 1440 (a day)")
    r.errors.extend(check_references(problem, horizon_known=horizon is not None))
    if r.errors:
        raise ProblemFormatError(r.errors)
    return problem


def _horizon(r: FieldReader, d: dict[str, Any], path: str) -> p.Horizon | None:
    start = r.date(d, "start", path, required=True)
    days = r.integer(d, "days", path, required=True, low=1)
    return p.Horizon(start, days) if start and days else None


def _shift_type(r: FieldReader, d: dict[str, Any], path: str) -> p.ShiftType | None:
    code = r.text(d, "code", path, required=True)
    start = r.time(d, "start", path, required=True)
    end = r.time(d, "end", path, required=True, allow_24=True)
    forbidden = r.str_list(d, "forbidden_next", path)
    if code is None or start is None or end is None:
        return None
    name = r.text(d, "name", path) or code
    return p.ShiftType(code, name, start, end, r.text(d, "skill", path), tuple(forbidden))


def _agent(r: FieldReader, d: dict[str, Any], path: str) -> p.Agent | None:
    agent_id = r.text(d, "id", path, required=True)
    team = r.text(d, "team", path, required=True)
    history = r.obj(d, "history", path, _history) or p.History()
    max_shifts_raw = d.get("max_shifts", {})
    max_shifts: dict[str, int] = {}
    if not isinstance(max_shifts_raw, dict):
        r.error(f"{path}.max_shifts", "must be an object of shift code to count")
    else:
        for code in max_shifts_raw:
            value = r.integer(max_shifts_raw, code, f"{path}.max_shifts", low=0)
            if value is not None:
                max_shifts[code] = value
    agent = p.Agent(
        id=agent_id or "",
        team=team or "",
        skills=frozenset(r.str_list(d, "skills", path)),
        target_hours_week=r.number(d, "target_hours_week", path, p.DEFAULT_TARGET_HOURS_WEEK),
        max_hours_week=r.number(d, "max_hours_week", path, p.DEFAULT_MAX_HOURS_WEEK),
        history=history,
        max_shifts=max_shifts,
        min_minutes=r.integer(d, "min_minutes", path, low=0),
        max_minutes=r.integer(d, "max_minutes", path, low=0),
        min_consecutive_days=r.integer(d, "min_consecutive_days", path, low=1),
        max_consecutive_days=r.integer(d, "max_consecutive_days", path, low=1),
        min_consecutive_days_off=r.integer(d, "min_consecutive_days_off", path, low=1),
        max_weekends=r.integer(d, "max_weekends", path, low=0),
    )
    return agent if agent_id is not None and team is not None else None


def _history(r: FieldReader, d: dict[str, Any], path: str) -> p.History:
    days = r.integer(d, "days_worked_in_a_row", path, default=0, low=0) or 0
    return p.History(days, r.datetime(d, "last_shift_end", path))


def _coverage(r: FieldReader, d: dict[str, Any], path: str) -> p.CoverageWindow | None:
    start = r.time(d, "from", path, required=True)
    end = r.time(d, "to", path, required=True, allow_24=True)
    minimum = r.integer(d, "min", path, required=True, low=0)
    weekdays = r.int_list(d, "weekdays", path, low=0, high=6) if "weekdays" in d else None
    dates = r.date_list(d, "dates", path) if "dates" in d else None
    if start is None or end is None or minimum is None:
        return None
    return p.CoverageWindow(
        start=start,
        end=end,
        min=minimum,
        weekdays=None if weekdays is None else frozenset(weekdays),
        dates=None if dates is None else frozenset(dates),
        skill=r.text(d, "skill", path),
    )


def _break_rule(r: FieldReader, d: dict[str, Any], path: str) -> p.BreakRule | None:
    shift = r.text(d, "shift", path, required=True)
    minutes = r.integer(d, "minutes", path, required=True, low=1)
    options = r.time_list(d, "start_options", path, required=True)
    windows = r.items(d, "min_on_duty", path, _duty_window)
    if shift is None or minutes is None or not options:
        return None
    return p.BreakRule(shift, minutes, tuple(options), tuple(windows))


def _duty_window(r: FieldReader, d: dict[str, Any], path: str) -> p.DutyWindow | None:
    start = r.time(d, "from", path, required=True)
    end = r.time(d, "to", path, required=True, allow_24=True)
    minimum = r.integer(d, "min", path, required=True, low=0)
    if start is None or end is None or minimum is None:
        return None
    return p.DutyWindow(start, end, minimum)


def _unavailability(r: FieldReader, d: dict[str, Any], path: str) -> p.Unavailability | None:
    agent = r.text(d, "agent", path, required=True)
    date = r.date(d, "date", path, required=True)
    if agent is None or date is None:
        return None
    return p.Unavailability(agent, date, r.text(d, "reason", path) or "")


def _preference(r: FieldReader, d: dict[str, Any], path: str) -> p.Preference | None:
    agent = r.text(d, "agent", path, required=True)
    date = r.date(d, "date", path, required=True)
    weight = r.integer(d, "weight", path, default=1, low=0)
    off = r.flag(d, "off", path, default=False)
    shift = r.text(d, "shift", path)
    want = r.flag(d, "want", path, default=True)
    if not off and shift is None:
        r.error(path, 'needs "off": true or a "shift"')
    if agent is None or date is None:
        return None
    return p.Preference(agent, date, 1 if weight is None else weight, bool(off), shift, want)


def _assignment(r: FieldReader, d: dict[str, Any], path: str) -> p.Assignment | None:
    agent = r.text(d, "agent", path, required=True)
    date = r.date(d, "date", path, required=True)
    shift = r.text(d, "shift", path, required=True)
    break_start = r.time(d, "break_start", path)
    if agent is None or date is None or shift is None:
        return None
    return p.Assignment(agent, date, shift, break_start)


def _shift_cover(r: FieldReader, d: dict[str, Any], path: str) -> p.ShiftCover | None:
    date = r.date(d, "date", path, required=True)
    shift = r.text(d, "shift", path, required=True)
    requirement = r.integer(d, "requirement", path, required=True, low=0)
    under = r.integer(d, "under_weight", path, default=1, low=0)
    over = r.integer(d, "over_weight", path, default=0, low=0)
    if date is None or shift is None or requirement is None:
        return None
    return p.ShiftCover(date, shift, requirement, under or 0, over or 0)


def _rules(r: FieldReader, d: dict[str, Any], path: str) -> p.Rules:
    defaults = p.Rules()
    weights_raw = d.get("weights", {})
    weights: dict[str, int] = {}
    if not isinstance(weights_raw, dict):
        r.error(f"{path}.weights", "must be an object of weight name to integer")
    else:
        for name in weights_raw:
            value = r.integer(weights_raw, name, f"{path}.weights", low=0)
            if value is not None:
                weights[name] = value
    rest_hours = r.number(d, "min_rest_hours", path, defaults.min_rest_hours)
    return p.Rules(
        max_days_in_a_row=r.integer(d, "max_days_in_a_row", path, default=6, low=1, nullable=True),
        max_rest_days_per_team_per_day=r.integer(
            d, "max_rest_days_per_team_per_day", path, default=1, low=0, nullable=True
        ),
        min_rest_hours=rest_hours,
        require_cover=bool(r.flag(d, "require_cover", path, default=True)),
        min_consecutive_days_at_edges=bool(
            r.flag(d, "min_consecutive_days_at_edges", path, default=True)
        ),
        weights=weights,
    )


def problem_to_dict(problem: p.Problem) -> dict[str, Any]:
    """The FORMATS §1 JSON object of a problem (optional fields only when set)."""
    return problem_json.problem_dict(problem)


def write_problem(problem: p.Problem, path: str | Path) -> None:
    """Write a problem as FORMATS §1 JSON."""
    _dump_json(problem_to_dict(problem), path)


def result_to_dict(result: Result) -> dict[str, Any]:
    """The FORMATS §2 JSON object of a roster."""
    return {
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "wall_seconds": round(result.wall_seconds, 3),
        "assignments": [_assignment_dict(a) for a in result.assignments],
        "rest_days": [
            {"agent": d.agent, "date": d.date.isoformat(), "cover": d.cover}
            for d in result.rest_days
        ],
        "uncovered": [
            {
                "date": u.date.isoformat(),
                "from": format_time(u.start),
                "to": format_time(u.end, end=True),
                "skill": u.skill,
                "missing": u.missing,
            }
            for u in result.uncovered
        ],
        "penalties": dict(result.penalties),
        "explanation": list(result.explanation),
        "penalty_details": [
            {"weight": d.weight, "label": d.label, "amount": d.amount}
            for d in result.penalty_details
        ],
    }


def _assignment_dict(a: p.Assignment) -> dict[str, Any]:
    out: dict[str, Any] = {"agent": a.agent, "date": a.date.isoformat(), "shift": a.shift}
    if a.break_start is not None:
        out["break_start"] = format_time(a.break_start)
    return out


def write_result(result: Result, path: str | Path) -> None:
    """Write a roster as FORMATS §2 JSON."""
    _dump_json(result_to_dict(result), path)


def read_result(path: str | Path) -> Result:
    """Read a FORMATS §2 roster file, raising ProblemFormatError listing every error."""
    return parse_result(_load_json(path))


def parse_result(data: Any) -> Result:
    """Build a Result from decoded FORMATS §2 JSON."""
    if not isinstance(data, dict):
        raise ProblemFormatError(["$: must be an object"])
    r = FieldReader()
    status_text = r.text(data, "status", "", required=True)
    status = Status.UNKNOWN
    if status_text is not None and status_text in Status.__members__:
        status = Status(status_text)
    elif status_text is not None:
        r.error("status", f"must be one of {', '.join(Status.__members__)}")
    penalties = data.get("penalties", {})
    if not isinstance(penalties, dict):
        r.error("penalties", "must be an object")
        penalties = {}
    explanation = r.str_list(data, "explanation", "")
    result = Result(
        status=status,
        objective=r.number(data, "objective", "", None),
        bound=r.number(data, "bound", "", None),
        wall_seconds=r.number(data, "wall_seconds", "", 0.0) or 0.0,
        assignments=tuple(r.items(data, "assignments", "", _assignment)),
        rest_days=tuple(r.items(data, "rest_days", "", _rest_day)),
        uncovered=tuple(r.items(data, "uncovered", "", _uncovered)),
        penalties={str(k): int(v) for k, v in penalties.items()},
        explanation=tuple(explanation),
        penalty_details=tuple(r.items(data, "penalty_details", "", _penalty_detail)),
    )
    if r.errors:
        raise ProblemFormatError(r.errors)
    return result


def _penalty_detail(r: FieldReader, d: dict[str, Any], path: str) -> PenaltyDetail | None:
    weight = r.text(d, "weight", path, required=True)
    label = r.text(d, "label", path, required=True)
    amount = r.integer(d, "amount", path, required=True, low=0)
    return PenaltyDetail(weight, label, amount) if weight and label and amount is not None else None


def _rest_day(r: FieldReader, d: dict[str, Any], path: str) -> RestDay | None:
    agent = r.text(d, "agent", path, required=True)
    date = r.date(d, "date", path, required=True)
    return RestDay(agent, date, r.text(d, "cover", path)) if agent and date else None


def _uncovered(r: FieldReader, d: dict[str, Any], path: str) -> Uncovered | None:
    date = r.date(d, "date", path, required=True)
    start = r.time(d, "from", path, required=True)
    end = r.time(d, "to", path, required=True, allow_24=True)
    missing = r.integer(d, "missing", path, required=True, low=0)
    if date is None or start is None or end is None or missing is None:
        return None
    return Uncovered(date, start, end, r.text(d, "skill", path), missing)


def _load_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemFormatError([f"$: cannot read {path}: {exc}"]) from exc
    except json.JSONDecodeError as exc:
        raise ProblemFormatError([f"$: not JSON (line {exc.lineno}, column {exc.colno})"]) from exc


def _dump_json(data: dict[str, Any], path: str | Path) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")
