"""The pure rules of residents' requests: who may do what in which state, and when reminders fall due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.households.requests_rules import Standing, actions_for, allowed, next_reminder

MEMBER = Standing(handler=True, manages=False)
SECRETARY = Standing(handler=False, manages=True)
SECRETARY_HANDLING = Standing(handler=True, manages=True)
NOBODY = Standing(handler=False, manages=False)


@pytest.mark.parametrize(
    "state, who, expected",
    [
        ("received", MEMBER, ["start", "resolve", "up"]),
        ("in_progress", MEMBER, ["resolve", "up"]),
        ("passed_up", MEMBER, []),
        ("passed_up", SECRETARY_HANDLING, ["take", "committee", "back"]),
        ("in_progress", SECRETARY_HANDLING, ["resolve", "committee"]),
        ("in_progress", SECRETARY, ["resolve"]),
        ("committee", SECRETARY_HANDLING, ["resolve", "take", "back"]),
        ("resolved", SECRETARY_HANDLING, []),
        ("received", NOBODY, []),
    ],
)
def test_actions_by_state_and_standing(state: str, who: Standing, expected: list[str]) -> None:
    assert actions_for(state, who) == expected


def test_unknown_actions_and_states_are_refused() -> None:
    assert not allowed("explode", "received", SECRETARY_HANDLING)
    assert not allowed("start", "unknown", SECRETARY_HANDLING)


def test_reminders_fall_due_at_7_and_15_days_then_never() -> None:
    created = datetime(2026, 11, 1, 2, tzinfo=UTC)
    assert next_reminder(created, created) == created + timedelta(days=7)
    assert next_reminder(created, created + timedelta(days=7)) == created + timedelta(days=15)
    assert next_reminder(created, created + timedelta(days=15)) is None
