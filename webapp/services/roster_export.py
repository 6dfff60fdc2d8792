"""Roster exports (STYLE rule 10): records → DataFrame → CSV (UTF-8 with BOM) or XLSX."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy.orm import Session

from webapp.models import Roster
from webapp.services import roster as rs

COLUMNS = ["employee_code", "name", "team", "date", "kind", "shift", "start", "end",
           "break_start", "cover"]  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_frame(roster: Roster) -> pd.DataFrame:
    """One row per cell, ordered by team, agent and date."""
    rows = []
    for c in roster.assignments:
        shift = c.shift_type
        rows.append(
            {
                "employee_code": c.employee.code,
                "name": c.employee.name,
                "team": c.employee.team.name if c.employee.team else "",
                "date": c.date.isoformat(),
                "kind": c.kind,
                "shift": shift.code if shift else "",
                "start": f"{shift.start:%H:%M}" if shift else "",
                "end": f"{shift.end:%H:%M}" if shift else "",
                "break_start": (
                    f"{c.break_start // 60:02d}:{c.break_start % 60:02d}"
                    if c.break_start is not None
                    else ""
                ),
                "cover": c.cover.code if c.cover else "",
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["team", "employee_code", "date"], kind="stable").reset_index(
        drop=True
    )


def export(session: Session, roster: Roster, fmt: str) -> tuple[bytes, str]:
    """The roster's cells as (bytes, mimetype) in `csv` or `xlsx`."""
    frame = roster_frame(roster)
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig"), "text/csv; charset=utf-8"
    buffer = io.BytesIO()
    last = rs.roster_dates(roster)[-1]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=f"{roster.first_date}..{last}"[:31])
    return buffer.getvalue(), XLSX
