"""Erlang C (S-2 coverage from demand): published table values, stability, CSV, windows."""

from __future__ import annotations

import math

import pytest

from webapp.services import demand
from webapp.services.errors import ServiceError


def erlang_c_by_factorials(agents: int, traffic: float) -> float:
    """The textbook formula with log-gamma: an independent check for small teams."""
    terms = [math.exp(k * math.log(traffic) - math.lgamma(k + 1)) for k in range(agents)]
    top = math.exp(agents * math.log(traffic) - math.lgamma(agents + 1)) * agents
    top /= agents - traffic
    return top / (sum(terms) + top)


# The classic example (100 calls in 30 min, 180 s AHT → 10 Erlangs) as tabulated in
# call-center planning texts: agents → P(wait); 13 agents answer ~80 % within 20 s.
PUBLISHED_WAIT = {11: 0.6821, 12: 0.4494, 13: 0.2853, 14: 0.1741}


@pytest.mark.parametrize("agents", sorted(PUBLISHED_WAIT))
def test_erlang_c_matches_the_published_table_for_10_erlangs(agents: int) -> None:
    assert demand.erlang_c(agents, 10.0) == pytest.approx(PUBLISHED_WAIT[agents], abs=5e-5)


def test_13_agents_answer_about_80_percent_within_20_seconds() -> None:
    assert demand.service_level(13, 10.0, 180, 20) == pytest.approx(0.7956, abs=5e-4)


def test_textbook_examples_6_erlangs_on_10_servers_and_90_percent_undelayed() -> None:
    # "from the Erlang C curve, the probability of waiting is about 0.10"
    assert demand.erlang_c(10, 6.0) == pytest.approx(0.10, abs=0.005)
    # 30 calls/h of 5 min (2.5 Erlangs): 90 % not delayed needs 6 people (5 give 13 %).
    assert demand.erlang_c(5, 2.5) > 0.10 > demand.erlang_c(6, 2.5)


@pytest.mark.parametrize(("agents", "traffic"), [(2, 1.5), (13, 10.0), (30, 25.2), (80, 71.3)])
def test_the_recursion_agrees_with_the_factorial_formula(agents: int, traffic: float) -> None:
    assert demand.erlang_c(agents, traffic) == pytest.approx(
        erlang_c_by_factorials(agents, traffic), rel=1e-9
    )


def test_erlang_c_is_stable_for_hundreds_of_agents() -> None:
    # 600 agents: 600! overflows a float; the recursion never forms it.
    wait = demand.erlang_c(600, 560.0)
    assert 0 < wait < 1
    assert wait == pytest.approx(erlang_c_by_factorials(600, 560.0), rel=1e-6)
    assert demand.agents_needed(20000, 180, 1800) == 2353


def test_80_percent_in_20_seconds_needs_14_agents_for_the_classic_example() -> None:
    assert demand.agents_needed(100, 180, 1800, 0.80, 20, max_occupancy=1.0) == 14


def test_maximum_occupancy_can_require_more_agents_than_the_service_level() -> None:
    # 500 calls × 180 s / 1800 s = 50 Erlangs: 85 % occupancy alone needs 59 agents.
    by_service = demand.agents_needed(500, 180, 1800, 0.80, 15, max_occupancy=1.0)
    assert by_service < 59
    assert demand.agents_needed(500, 180, 1800, 0.80, 15, max_occupancy=0.85) == 59


def test_no_calls_need_no_agents_and_a_full_queue_never_meets_a_target() -> None:
    assert demand.agents_needed(0, 180, 1800) == 0
    assert demand.erlang_c(5, 5.0) == 1.0
    assert demand.service_level(5, 5.0, 180, 15) == 0.0


def test_forecast_csv_by_weekday_or_date_becomes_a_curve() -> None:
    data = (
        b"weekday,interval_start,calls_offered,aht_seconds\n"
        b"Mon,09:00,100,180\n0,09:30,100,180\nSun,23:30,10,120\n"
    )
    rows = demand.parse_forecast(data, 30)
    curve = demand.requirement_curve(rows, demand.Targets(30, 0.8, 20, 1.0))
    assert curve[0][18] == 14 and curve[0][19] == 14 and curve[6][47] > 0
    dated = demand.parse_forecast(
        b"date,interval_start,calls_offered,aht_seconds\n2026-11-23,09:00,100,180\n", 30
    )
    assert dated == [demand.ForecastRow(0, 540, 100.0, 180.0)]


def test_a_bad_forecast_lists_every_bad_line_with_its_column() -> None:
    data = (
        b"weekday,interval_start,calls_offered,aht_seconds\n"
        b"Funday,09:00,100,180\nMon,09:10,100,180\nTue,10:00,-3,180\nWed,10:00,5,0\n"
    )
    with pytest.raises(ServiceError) as raised:
        demand.parse_forecast(data, 30)
    message = raised.value.message
    assert raised.value.field == "file"
    assert "line 2: weekday 'Funday'" in message
    assert "line 3: interval_start 09:10 is not on a 30-minute slot" in message
    assert "line 4: calls_offered must be 0 or more" in message
    assert "line 5: aht_seconds must be above 0" in message
    with pytest.raises(ServiceError, match="lacks: calls_offered"):
        demand.parse_forecast(b"weekday,interval_start,aht_seconds\n", 30)


def test_equal_consecutive_slots_merge_into_windows_shared_by_weekdays() -> None:
    day = [0] * 16 + [3] * 4 + [5] * 20 + [2] * 8  # 30-min slots
    curve = [day, day, [0] * 48, [0] * 48, [0] * 48, [0] * 48, [1] * 48]
    assert demand.curve_windows(curve, 30) == [
        ("01", 480, 600, 3),
        ("01", 600, 1200, 5),
        ("01", 1200, 1440, 2),
        ("6", 0, 1440, 1),
    ]


def test_a_posted_curve_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ServiceError, match="7 days of 48 slots"):
        demand.check_curve([[1] * 48] * 6, 30)
    with pytest.raises(ServiceError):
        demand.check_curve([[1] * 47 + [-1]] * 7, 30)
