"""COPY text of instants: the numpy pass gives what PostgreSQL reads as the same instant."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from webapp.services.bulk_copy import NULL, utc_text, utc_texts


def test_utc_texts_match_utc_text_to_the_microsecond_and_keep_none_as_null() -> None:
    picker = random.Random(5)
    shanghai, new_york = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
    base = datetime(2026, 3, 8, 6, 59, 59, 999_999, tzinfo=UTC)  # New York's DST change
    instants = [base + timedelta(microseconds=picker.randrange(10**12)) for _ in range(2000)]
    instants += [instants[0].astimezone(shanghai), instants[1].astimezone(new_york), None]
    texts = utc_texts(instants)
    assert texts[-1] == NULL
    for at, text in zip(instants[:-1], texts[:-1], strict=True):
        # utc_text drops a zero fraction; both are the same naive UTC instant.
        assert datetime.fromisoformat(text) == datetime.fromisoformat(utc_text(at))
        assert datetime.fromisoformat(text).replace(tzinfo=UTC) == at
