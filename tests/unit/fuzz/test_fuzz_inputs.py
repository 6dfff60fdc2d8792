"""Fuzzing the readers of outside input (issue 8): any bytes or JSON end in a result or in
the reader's own error that names a place; nothing else escapes."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance import importers
from attendance.errors import AttendanceError
from scheduler import io as problem_io

CLOCK_HEADER = "event_id,employee_code,timestamp,kind,device\n"
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
csv_rows = st.lists(st.lists(cells, min_size=0, max_size=7), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=30,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_csv(header: str, rows: list[list[str]]) -> io.BytesIO:
    lines = [
        ",".join(json.dumps(cell) if "," in cell or '"' in cell else cell for cell in row)
        for row in rows
    ]
    return io.BytesIO((header + "\n".join(lines)).encode("utf-8", "surrogatepass"))


@FUZZ
@given(rows=csv_rows)
def test_clock_import_accepts_or_rejects_with_line_and_column(rows: list[list[str]]) -> None:
    try:
        importers.import_clock_events(as_csv(CLOCK_HEADER, rows))
    except AttendanceError as error:
        issues = getattr(error, "issues", ())
        assert all(isinstance(line, int) and column for line, column, _ in issues)


@FUZZ
@given(content=st.binary(max_size=400))
def test_clock_import_survives_arbitrary_bytes(content: bytes) -> None:
    with contextlib.suppress(AttendanceError):
        importers.import_clock_events(io.BytesIO(content))


@FUZZ
@given(rows=csv_rows)
def test_employee_and_incident_imports_never_crash(rows: list[list[str]]) -> None:
    header = "code,name,site,team,roles,monthly_base_pay,skills,email\n"
    for reader, head in (
        (importers.import_employees, header),
        (importers.import_incidents, "incident_id,employee_code,date,rule_id,amount,note\n"),
        (importers.import_leave, "request_id,employee_code,type,start,end,status,decided_by\n"),
    ):
        with contextlib.suppress(AttendanceError):
            reader(as_csv(head, rows))


@FUZZ
@given(data=json_values)
def test_problem_reader_rejects_nonsense_with_json_paths(data: Any) -> None:
    try:
        problem_io.parse_problem(data)
    except problem_io.ProblemFormatError as error:
        assert error.errors and all(isinstance(e, str) and e for e in error.errors)


@FUZZ
@given(
    agents=st.lists(
        st.dictionaries(
            st.sampled_from(
                ["id", "team", "skills", "target_hours_week", "max_hours_week", "history"]
            ),
            json_values,
            max_size=6,
        ),
        max_size=4,
    )
)
def test_problem_reader_on_near_valid_problems(agents: list[dict[str, Any]]) -> None:
    data = {
        "horizon": {"start": "2026-11-23", "days": 2},
        "shift_types": [{"code": "D", "name": "白班", "start": "08:00", "end": "17:00"}],
        "agents": agents,
        "coverage": [],
    }
    try:
        problem = problem_io.parse_problem(data)
    except problem_io.ProblemFormatError as error:
        assert any(e.startswith("agents") for e in error.errors)
    else:
        assert len(problem.agents) == len(agents)
