"""组织关系转接 as pure rules: the steps of a transfer both ways, when it is closed, and its timers. No I/O here.

The figures (docs/PRODUCT.md, 组织关系转接):

* 转出: a 介绍信 with a number, the day it was issued and its 有效期: normally up to three months
  (`LETTER_MONTHS`); the member reports to the receiving organisation within it. The receiving organisation
  confirms (接收), then its 回执 comes back, normally within one month of receiving the member
  (`RECEIPT_MONTHS`). The transfer is closed when the 回执 is recorded: the member then leaves the branch's active
  roster (history kept).
* 转入 (a member coming here, an 外来党员 whose relation moves here): the 介绍信 received, the member placed in a
  Party group at once (编入党小组), and the 回执 sent back within one month. Closed when both are done.
* A mobile member away more than six months at a fixed place: the report chain reminds the secretaries once
  (`bot.services.reports.common`, `mobile:transfer:…`, in the daily digest with a button 「办理转出」 that begins
  the 转出 step by step: `bot.services.transfers.out_steps`); it is reused, not duplicated here.

Timers, each produced only while its window holds `today`, numbered by the week it is in so that a reminder
goes once a week until the step is recorded and never floods after downtime:

* `expiring`: a 转出 letter not yet confirmed received, from `SOON_DAYS` before its 有效期 ends (once);
* `unconfirmed`: a 转出 letter past its 有效期 and not confirmed received (weekly: follow the member up);
* `receipt`: a 转出 received whose 回执 has not come back a month on (weekly);
* `place`: a 转入 not yet placed in a Party group, from the next day (weekly);
* `send_receipt`: a 转入 whose 回执 has not been sent, from `SOON_DAYS` before the month is out (weekly).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

LETTER_MONTHS = 3  # 介绍信有效期: normally not more than three months
RECEIPT_MONTHS = 1  # 回执: within one month of receiving the member
SOON_DAYS = 7
REPEAT_DAYS = 7
#: 流动党员活动证: its keeper is reminded this many days before its last day (and once when it has run out).
CARD_NOTICE_DAYS = 30


class Direction(StrEnum):
    OUT = "out"  # 转出
    IN = "in"  # 转入


class Step(StrEnum):
    """What a secretary records on a transfer."""

    ISSUE = "issue"  # 转出: 开具介绍信 (number, day, 有效期)
    RECEIVED = "received"  # 转出: 对方已接收; 转入: 收到介绍信, 本人报到
    RECEIPT = "receipt"  # 转出: 回执已收回; 转入: 回执已寄回
    PLACE = "place"  # 转入: 编入党小组
    CANCEL = "cancel"  # 撤销 (the member did not go, the letter came back)


class State(StrEnum):
    OPEN = "open"  # 在途
    CLOSED = "closed"  # 已办结
    CANCELLED = "cancelled"  # 已撤销


class Timer(StrEnum):
    EXPIRING = "expiring"
    UNCONFIRMED = "unconfirmed"
    RECEIPT = "receipt"
    PLACE = "place"
    SEND_RECEIPT = "send_receipt"


#: The words a secretary may type for each action (English too).
ACTION_WORDS: dict[str, str] = {
    "转出": "out",
    "out": "out",
    "转入": "in",
    "in": "in",
    "接收": "received",
    "已接收": "received",
    "报到": "received",
    "received": "received",
    "回执": "receipt",
    "receipt": "receipt",
    "编组": "place",
    "编入党小组": "place",
    "党小组": "place",
    "place": "place",
    "撤销": "cancel",
    "取消": "cancel",
    "cancel": "cancel",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def letter_valid_until(issued: date, months: int = LETTER_MONTHS) -> date:
    """The last day a letter issued on `issued` is valid for `months` (the day before the same day later)."""
    return add_months(issued, months) - timedelta(days=1)


def validity_allowed(issued: date, valid_until: date) -> bool:
    """A letter is valid from its day for at most `LETTER_MONTHS`."""
    return issued <= valid_until <= letter_valid_until(issued)


def receipt_due(received: date) -> date:
    """The last day the 回执 should come back (or be sent back): one month after the member was received."""
    return add_months(received, RECEIPT_MONTHS)


@dataclass(frozen=True)
class Record:
    """What the rules need of one transfer."""

    direction: Direction
    issued: date
    valid_until: date
    received: date | None = None
    receipt: date | None = None
    placed: date | None = None
    cancelled: bool = False

    @property
    def state(self) -> State:
        if self.cancelled:
            return State.CANCELLED
        if self.direction is Direction.OUT:
            return State.CLOSED if self.receipt is not None else State.OPEN
        return State.CLOSED if self.receipt is not None and self.placed is not None else State.OPEN


@dataclass(frozen=True)
class Due:
    """A timer running on `today`: which, from which day, and the week of it (0 first)."""

    timer: Timer
    start: date
    week: int
    day: date  # the deadline it is about


def _weekly(timer: Timer, start: date, day: date, today: date) -> Due | None:
    if today < start:
        return None
    return Due(timer, start, (today - start).days // REPEAT_DAYS, day)


def due(record: Record, today: date) -> list[Due]:
    """The timers running on `today` for an open transfer."""
    if record.state is not State.OPEN:
        return []
    out: list[Due | None] = []
    if record.direction is Direction.OUT:
        if record.received is None:
            soon = record.valid_until - timedelta(days=SOON_DAYS)
            if soon <= today <= record.valid_until:
                out.append(Due(Timer.EXPIRING, soon, 0, record.valid_until))
            after = record.valid_until + timedelta(days=1)
            out.append(_weekly(Timer.UNCONFIRMED, after, record.valid_until, today))
        else:
            deadline = receipt_due(record.received)
            out.append(_weekly(Timer.RECEIPT, deadline + timedelta(days=1), deadline, today))
    else:
        start = record.received or record.issued
        if record.placed is None:
            out.append(_weekly(Timer.PLACE, start + timedelta(days=1), start, today))
        if record.receipt is None:
            deadline = receipt_due(start)
            out.append(_weekly(Timer.SEND_RECEIPT, deadline - timedelta(days=SOON_DAYS), deadline, today))
    return [d for d in out if d is not None]


def check(record: Record, step: Step, on: date, today: date) -> str | None:
    """Why `step` on day `on` may not be recorded on this transfer (a catalogue key under
    `transfers.rule.`), or None when it may."""
    if on > today:
        return "future"
    if record.state is not State.OPEN:
        return "closed"
    if on < record.issued:
        return "before_letter"
    if step is Step.PLACE and record.direction is Direction.OUT:
        return "not_for_out"
    if step is Step.RECEIVED and record.received is not None:
        return "done"
    if step is Step.RECEIPT and record.receipt is not None:
        return "done"
    if step is Step.PLACE and record.placed is not None:
        return "done"
    if step is Step.RECEIPT and record.direction is Direction.OUT and record.received is not None:
        return "before_received" if on < record.received else None
    return None


def card_stage(until: date, today: date) -> str | None:
    """The 流动党员活动证's reminder due today: `soon` from CARD_NOTICE_DAYS before its last day to that day
    (it is still valid on it), `expired` after it; None before."""
    if today > until:
        return "expired"
    if (until - today).days <= CARD_NOTICE_DAYS:
        return "soon"
    return None
