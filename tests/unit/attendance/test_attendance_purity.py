"""STYLE rule 4: the attendance rules import neither Flask nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attendance

MODULES = sorted(p.stem for p in Path(attendance.__file__).parent.glob("*.py"))


def test_attendance_package_imports_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import sys\n"
        + "".join(f"import attendance.{m}\n" for m in MODULES if m != "__init__")
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
