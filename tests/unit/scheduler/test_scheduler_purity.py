"""STYLE rule 4: the roster engine imports neither Flask, SQLAlchemy nor pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import scheduler

SOURCES = sorted(p for p in Path(scheduler.__file__).parent.glob("*.py") if p.stem != "__main__")


def test_scheduler_package_imports_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import sys\n"
        + "".join(f"import scheduler.{p.stem}\n" for p in SOURCES if p.stem != "__init__")
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_scheduler_sources_never_import_pandas() -> None:
    # OR-Tools imports pandas itself, so look at our own import lines instead of sys.modules.
    for source in SOURCES:
        lines = source.read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if line.startswith(("import pandas", "from pandas"))]
