"""Residents' requests (民情诉求), the pure rules: states, who may do what in which state, how old a request
is, and when its reminders fall due. No database, no Telegram.

    received (受理) ─start→ in_progress (办理中) ─resolve→ resolved (办结)
        └─────────── up (上报) → passed_up ─take→ in_progress (the secretary handles it)
                                          ├─committee→ committee (社区党委) ─take / resolve / back
                                          └─back (with advice)→ in_progress (the member handles it again)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

STATES = ("received", "in_progress", "passed_up", "committee", "resolved")
OPEN = frozenset(STATES) - {"resolved"}


class RequestAction(StrEnum):
    """Button actions (a `RequestAct`'s `action`)."""

    START = "start"
    RESOLVE = "resolve"
    UP = "up"
    TAKE = "take"
    COMMITTEE = "committee"
    BACK = "back"


class Satisfaction(StrEnum):
    """The resident's satisfaction with a resolved request (a `RequestRate`'s `rating`)."""

    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"


ACTIONS: tuple[RequestAction, ...] = tuple(RequestAction)
#: Actions that need a text next: what was done, the advice.
NEEDS_TEXT = frozenset({"resolve", "back"})
SATISFACTION: tuple[Satisfaction, ...] = tuple(Satisfaction)
#: A request open this long reminds its handler, once.
HANDLER_AFTER = timedelta(days=7)
#: A request open this long goes to the branch secretary, once.
SECRETARY_AFTER = timedelta(days=15)
MAX_TEXT = 500

#: action → the states it applies to and the state it leads to.
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({"received"}), "in_progress"),
    "resolve": (frozenset({"received", "in_progress", "committee"}), "resolved"),
    "up": (frozenset({"received", "in_progress"}), "passed_up"),
    "take": (frozenset({"passed_up", "committee"}), "in_progress"),
    "committee": (frozenset({"passed_up", "in_progress"}), "committee"),
    "back": (frozenset({"passed_up", "committee"}), "in_progress"),
}
#: Actions only a secretary over the request's branch (or the community) may take.
SECRETARY_ACTIONS = frozenset({"take", "committee", "back"})


@dataclass(frozen=True)
class Standing:
    """Where a person stands with a request: its handler, a secretary over its unit."""

    handler: bool
    manages: bool


def allowed(action: str, state: str, who: Standing) -> bool:
    """Whether `who` may take `action` on a request in `state`."""
    if action not in MOVES or state not in MOVES[action][0]:
        return False
    if action in SECRETARY_ACTIONS:
        # a secretary who took it handles it like anyone: passing it to the committee stays theirs to do
        return who.manages and (action != "committee" or state == "passed_up" or who.handler)
    if action == "up":
        return who.handler and not who.manages  # a secretary has nobody in the branch to pass it to
    return who.handler or who.manages


def actions_for(state: str, who: Standing) -> list[str]:
    return [a for a in ACTIONS if allowed(a, state, who)]


def age_days(created: datetime, now: datetime) -> int:
    return max((now - created).days, 0)


def next_reminder(created: datetime, now: datetime) -> datetime | None:
    """When the request's next reminder falls due (`now` or earlier: due now); None after the last."""
    for after in (HANDLER_AFTER, SECRETARY_AFTER):
        if created + after > now:
            return created + after
    return None
