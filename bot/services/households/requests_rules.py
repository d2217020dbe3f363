"""Residents' requests (民情诉求), the pure rules: states, who may do what in which state, how old a request
is, and when its reminders fall due. No database, no Telegram.

    received (受理) ─start→ in_progress (办理中) ─resolve→ resolved (办结)
        └─────────── up (上报) → passed_up ─take→ in_progress (the secretary handles it)
                                          ├─committee→ committee (社区党委) ─take / resolve / back
                                          └─back (with advice)→ in_progress (the member handles it again)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
    NOTE = "note"  # a 代办's progress note (进展): the state stays


class Satisfaction(StrEnum):
    """The resident's satisfaction with a resolved request (a `RequestRate`'s `rating`)."""

    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"


ACTIONS: tuple[RequestAction, ...] = tuple(RequestAction)
#: Actions that need a text next: what was done, the advice.
NEEDS_TEXT = frozenset({"resolve", "back", "note"})
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
    "note": (OPEN, ""),  # stays where it is
}
#: Actions only a secretary over the request's branch (or the community) may take.
SECRETARY_ACTIONS = frozenset({"take", "committee", "back"})


@dataclass(frozen=True)
class Standing:
    """Where a person stands with a request: its handler, a secretary over its unit."""

    handler: bool
    manages: bool
    agency: bool = False  # the request is a 代办 (progress notes are kept for these)


def allowed(action: str, state: str, who: Standing) -> bool:
    """Whether `who` may take `action` on a request in `state`."""
    if action not in MOVES or state not in MOVES[action][0]:
        return False
    if action in SECRETARY_ACTIONS:
        # a secretary who took it handles it like anyone: passing it to the committee stays theirs to do
        return who.manages and (action != "committee" or state == "passed_up" or who.handler)
    if action == "up":
        return who.handler and not who.manages  # a secretary has nobody in the branch to pass it to
    if action == "note":
        return who.agency and (who.handler or who.manages)
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


#: 来源 (SPEC §10): each accepted word → the stored value. `call` is 电话 (and, as the SPEC writes it, 来访/电话);
#: a visit in person to the office is `walkin` 来访.
SOURCES: dict[str, str] = {
    "visit": "visit",
    "走访": "visit",
    "联户走访": "visit",
    "入户走访": "visit",
    "hearing": "hearing",
    "恳谈会": "hearing",
    "民情恳谈会": "hearing",
    "letter": "letter",
    "来信": "letter",
    "信": "letter",
    "walkin": "walkin",
    "来访": "walkin",
    "上门": "walkin",
    "call": "call",
    "电话": "call",
    "来电": "call",
    "来访/电话": "call",
}
SOURCE_ORDER = ("visit", "hearing", "letter", "walkin", "call")
AGENCY_WORDS = frozenset({"代办", "agency", "代理", "为民代办"})
#: A 代办's deadline may be at most this far ahead (beyond it a year is mistyped).
AGENCY_AHEAD = timedelta(days=366)
#: The agent is reminded this many days before the deadline, on it, and each week after while it is open.
AGENCY_SOON = 2
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def source_of(word: str) -> str | None:
    """The source a word names (来信, letter …), or None."""
    return SOURCES.get(word.strip().lower())


def deadline_of(word: str, today: date) -> date | str:
    """A 代办's deadline `YYYY-MM-DD` (today at the earliest, within a year), or the catalogue key of its problem."""
    value = word.strip()
    if not _DAY.match(value):
        return "requests.err.deadline"
    try:
        year, month, day = (int(p) for p in value.split("-"))
        found = date(year, month, day)
    except ValueError:
        return "requests.err.deadline"
    if found < today:
        return "requests.err.deadline_past"
    if found > today + AGENCY_AHEAD:
        return "requests.err.deadline_far"
    return found


def agency_stage(deadline: date, today: date) -> str | None:
    """Which reminder of an open 代办 holds today: `soon` (AGENCY_SOON days before), `due` (the deadline and the week
    after), `overdue-N` (each further week), or none (earlier). Each stage goes once, by its key."""
    days = (deadline - today).days
    if days > AGENCY_SOON:
        return None
    if days > 0:
        return "soon"
    week = -days // 7
    return "due" if week == 0 else f"overdue-{week}"
