"""The polling policy as a pure function of elapsed time and reported progress (no real sleeping)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from pulumi_fsx_copy.engine.waiting import Backoff, PollPolicy

Shape = Callable[[float], float]


def replay(policy: PollPolicy, duration: float, shape: Shape) -> tuple[int, float, list[float]]:
    """(calls, detection latency, delays) of a copy of ``duration`` whose true progress is ``shape``."""
    tracker = policy.tracker()
    tracker.observe(0.0, 0)
    t, calls, delays = 0.0, 0, []
    while True:
        delay = tracker.next_delay(t)
        delays.append(delay)
        t += delay
        calls += 1
        if t >= duration:
            return calls, t - duration, delays
        tracker.observe(t, min(99, int(shape(t / duration))))
        assert calls < 10_000


def linear(f: float) -> float:
    return 100 * f


@pytest.mark.parametrize("duration", [10.0, 60.0, 600.0, 3600.0, 21600.0])
def test_linear_progress_is_detected_within_the_tolerance(duration: float) -> None:
    policy = PollPolicy()
    calls, latency, _ = replay(policy, duration, linear)
    assert 0 <= latency <= policy.tolerance(duration)
    assert calls <= 25


def test_delays_stay_within_min_and_max() -> None:
    policy = PollPolicy()
    for shape in (linear, lambda f: 0.0 if f < 0.5 else 100 * f):
        _, _, delays = replay(policy, 21600.0, shape)
        assert all(policy.min_delay <= d <= policy.max_delay for d in delays)


def test_first_look_comes_after_first_delay_when_nothing_is_known() -> None:
    policy = PollPolicy()
    tracker = policy.tracker()
    tracker.observe(0.0, 0)
    assert tracker.next_delay(0.0) == pytest.approx(policy.first_delay)


def test_no_progress_backs_off_geometrically() -> None:
    policy = PollPolicy()
    tracker = policy.tracker()
    for t in (policy.first_delay, 3 * policy.first_delay, 9 * policy.first_delay):
        tracker.observe(t, 0)
        assert tracker.next_delay(t) == pytest.approx(policy.no_progress_growth * t)


def test_unknown_progress_is_handled() -> None:
    tracker = PollPolicy().tracker()
    tracker.observe(10.0, None)
    assert tracker.next_delay(10.0) >= PollPolicy().min_delay


def test_coarse_progress_steps_are_recognised() -> None:
    tracker = PollPolicy().tracker()
    for t, p in ((10.0, 10), (20.0, 20), (30.0, 30)):
        tracker.observe(t, p)
    assert tracker.step == 10


def test_a_stall_makes_it_look_more_often_until_progress_resumes() -> None:
    policy = PollPolicy()
    tracker = policy.tracker()
    for t in (100.0, 200.0, 300.0, 400.0):
        tracker.observe(t, int(t / 10))  # 10 % per 100 s: ends at 1000 s
    tracker.observe(900.0, 40)  # stalled: the model is contradicted
    assert tracker.rebased
    assert tracker.next_delay(900.0) <= max(policy.tolerance(900.0), policy.stall_growth * 900.0)


def test_progress_going_backwards_restarts_the_model() -> None:
    tracker = PollPolicy().tracker()
    tracker.observe(100.0, 50)
    tracker.observe(200.0, 20)
    assert tracker.rebased and tracker.origin[0] == 200.0


def test_a_jump_ahead_is_not_missed_by_much() -> None:
    policy = PollPolicy()
    duration = 3600.0
    _, latency, _ = replay(policy, duration, lambda f: 60 * f if f < 0.5 else 80 + 40 * (f - 0.5))
    assert latency <= policy.tolerance(duration)


def test_never_reports_done_early_and_always_ends() -> None:
    for shape in (linear, lambda f: 10 * math.floor(10 * f), lambda f: 0.0 if f < 0.9 else 100.0):
        calls, latency, _ = replay(PollPolicy(), 600.0, shape)
        assert latency >= 0 and calls < 200


def test_scaled_multiplies_every_duration() -> None:
    policy, unscaled = PollPolicy().scaled(0.5), PollPolicy()
    assert (policy.first_delay, policy.min_delay, policy.min_tolerance) == (
        unscaled.first_delay * 0.5,
        unscaled.min_delay * 0.5,
        unscaled.min_tolerance * 0.5,
    )
    assert policy.max_delay == PollPolicy().max_delay * 0.5
    assert policy.tolerance_fraction == PollPolicy().tolerance_fraction
    assert Backoff().scaled(0.5).cap == Backoff().cap * 0.5
