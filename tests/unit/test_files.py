"""An interrupted export never leaves a partial file under the published name (issue 8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from webapp.files import write_atomically


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "payroll.csv"
    write_atomically(target, b"old export")

    def crash(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, b"new export, half written")
    assert target.read_bytes() == b"old export"
    assert [p.name for p in tmp_path.iterdir()] == ["payroll.csv"]


def test_a_successful_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "lines.csv"
    write_atomically(target, b"a")
    write_atomically(target, b"b")
    assert target.read_bytes() == b"b"
