"""calibration_runtime_minutes: a textbook count, invariants, and clear errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seirflow.errors import ConfigError, SeirflowInputError
from seirflow.resources import (
    MIN_RUNTIME_MINUTES,
    SECONDS_PER_EVALUATION_DAY,
    STARTUP_MINUTES,
    calibration_runtime_minutes,
)


def test_hand_counted_example():
    # 100 walkers x (599 + 1) steps = 60,000 evaluations at 0.1 s = 6,000 s = 100 min.
    assert calibration_runtime_minutes(100, 599, 300, seconds_per_evaluation=0.1, safety=1) == (
        STARTUP_MINUTES + 100
    )
    # Safety 2 doubles the compute part only; 4 threads divide it.
    assert calibration_runtime_minutes(100, 599, 300, seconds_per_evaluation=0.1, safety=2) == (
        STARTUP_MINUTES + 200
    )
    assert (
        calibration_runtime_minutes(100, 599, 300, seconds_per_evaluation=0.1, safety=2, threads=4)
        == STARTUP_MINUTES + 50
    )


def test_default_cost_is_per_simulated_day():
    explicit = calibration_runtime_minutes(
        400, 20_000, 500, seconds_per_evaluation=SECONDS_PER_EVALUATION_DAY * 500
    )
    assert calibration_runtime_minutes(400, 20_000, 500) == explicit
    assert explicit > MIN_RUNTIME_MINUTES  # the comparison above is not only the floor
    assert calibration_runtime_minutes(400, 20_000, 1000) > explicit


def test_tiny_runs_get_the_floor():
    assert calibration_runtime_minutes(2, 1, 1) == MIN_RUNTIME_MINUTES


@given(
    walkers=st.integers(1, 10_000),
    max_steps=st.integers(1, 100_000),
    n_days=st.integers(1, 2_000),
    cost=st.floats(1e-7, 10.0),
    safety=st.floats(1.0, 10.0),
    threads=st.integers(1, 64),
)
def test_bounds_and_monotonicity(walkers, max_steps, n_days, cost, safety, threads):
    minutes = calibration_runtime_minutes(
        walkers, max_steps, n_days, seconds_per_evaluation=cost, safety=safety, threads=threads
    )
    exact = STARTUP_MINUTES + safety * walkers * (max_steps + 1) * cost / threads / 60
    assert isinstance(minutes, int)
    assert minutes >= MIN_RUNTIME_MINUTES
    # never less than the estimate (up to rounding of the float sum): the job would be killed
    assert minutes >= exact * (1 - 1e-12)
    assert minutes < max(exact, MIN_RUNTIME_MINUTES) + 1
    more = calibration_runtime_minutes(
        walkers + 1,
        max_steps + 1,
        n_days,
        seconds_per_evaluation=cost * 1.5,
        safety=safety,
        threads=threads,
    )
    assert more >= minutes
    if threads > 1:
        assert (
            calibration_runtime_minutes(
                walkers,
                max_steps,
                n_days,
                seconds_per_evaluation=cost,
                safety=safety,
                threads=threads - 1,
            )
            >= minutes
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"walkers": 0}, "walkers"),
        ({"walkers": 2.5}, "walkers"),
        ({"walkers": True}, "walkers"),
        ({"max_steps": -1}, "max_steps"),
        ({"n_days": 0}, "n_days"),
        ({"threads": 0}, "threads"),
        ({"seconds_per_evaluation": 0.0}, "seconds_per_evaluation"),
        ({"seconds_per_evaluation": math.nan}, "seconds_per_evaluation"),
        ({"safety": 0.5}, "safety"),
        ({"safety": math.inf}, "safety"),
    ],
)
def test_bad_values_name_the_argument(kwargs, field):
    args = {"walkers": 32, "max_steps": 100, "n_days": 200, **kwargs}
    with pytest.raises(ConfigError) as info:
        calibration_runtime_minutes(**args)
    assert isinstance(info.value, SeirflowInputError)
    assert info.value.field == field
    assert field in str(info.value)
    assert repr(kwargs[field]) in str(info.value)
