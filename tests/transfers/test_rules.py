"""组织关系转接 rules (bot/services/transfers/rules.py): the letter's 有效期, the 回执's month, when a transfer is
closed, each timer's window on both sides, and the steps refused."""

from __future__ import annotations

from datetime import date

from bot.services.transfers.common import parse_day, valid_until
from bot.services.transfers.rules import (
    Direction,
    Record,
    State,
    Step,
    Timer,
    check,
    due,
    letter_valid_until,
    receipt_due,
    validity_allowed,
)

D = date.fromisoformat
OUT = Record(Direction.OUT, D("2026-03-02"), D("2026-06-01"))
IN = Record(Direction.IN, D("2026-03-02"), D("2026-03-02"), received=D("2026-03-02"))


def timers(record: Record, day: str) -> list[tuple[Timer, int]]:
    return [(d.timer, d.week) for d in due(record, D(day))]


def test_a_letter_is_valid_three_months_at_most() -> None:
    assert letter_valid_until(D("2026-03-02")) == D("2026-06-01")
    assert letter_valid_until(D("2026-11-30")) == D("2027-02-27")  # 02-28 is three months on: the day before
    assert validity_allowed(D("2026-03-02"), D("2026-06-01"))
    assert not validity_allowed(D("2026-03-02"), D("2026-06-02"))
    assert validity_allowed(D("2026-03-02"), D("2026-03-02"))
    assert not validity_allowed(D("2026-03-02"), D("2026-03-01"))


def test_validity_as_written() -> None:
    issued = D("2026-03-02")
    assert valid_until("", issued) == D("2026-06-01")
    assert valid_until("30天", issued) == D("2026-03-31")
    assert valid_until("2个月", issued) == D("2026-05-01")
    assert valid_until("2026-04-01", issued) == D("2026-04-01")
    assert valid_until("很久", issued) is None
    assert parse_day("2026年3月2日") == D("2026-03-02")
    assert parse_day("2026-02-30") is None


def test_a_slip_of_a_day_or_a_validity_of_nothing_is_unread_not_an_error() -> None:
    """Found by review: 0001-01-01 then 0天 overflowed the date arithmetic into a traceback."""
    assert parse_day("0001-01-01") is None and parse_day("1949-12-31") is None
    assert parse_day("1950-01-01") == date(1950, 1, 1) and parse_day("2100-12-31") == date(2100, 12, 31)
    assert parse_day("2101-01-01") is None
    issued = date(2026, 12, 1)
    assert valid_until("0天", issued) is None and valid_until("0个月", issued) is None
    assert valid_until("1天", issued) == issued and valid_until("1个月", issued) == date(2026, 12, 31)


def test_the_receipt_is_due_a_month_after_the_member_was_received() -> None:
    assert receipt_due(D("2026-03-20")) == D("2026-04-20")
    assert receipt_due(D("2026-01-31")) == D("2026-02-28")


def test_a_transfer_out_is_closed_by_its_receipt_and_in_by_receipt_and_group() -> None:
    assert OUT.state is State.OPEN
    assert Record(Direction.OUT, OUT.issued, OUT.valid_until, receipt=D("2026-04-01")).state is State.CLOSED
    assert IN.state is State.OPEN
    assert Record(Direction.IN, IN.issued, IN.valid_until, IN.received, receipt=D("2026-03-05")).state is State.OPEN
    placed = Record(Direction.IN, IN.issued, IN.valid_until, IN.received, D("2026-03-05"), D("2026-03-02"))
    assert placed.state is State.CLOSED
    assert Record(Direction.OUT, OUT.issued, OUT.valid_until, cancelled=True).state is State.CANCELLED


def test_expiring_from_a_week_before_the_letter_runs_out_and_not_earlier() -> None:
    assert timers(OUT, "2026-05-24") == []
    assert timers(OUT, "2026-05-25") == [(Timer.EXPIRING, 0)]
    assert timers(OUT, "2026-06-01") == [(Timer.EXPIRING, 0)]


def test_unconfirmed_from_the_day_after_expiry_weekly() -> None:
    assert timers(OUT, "2026-06-02") == [(Timer.UNCONFIRMED, 0)]
    assert timers(OUT, "2026-06-08") == [(Timer.UNCONFIRMED, 0)]
    assert timers(OUT, "2026-06-09") == [(Timer.UNCONFIRMED, 1)]


def test_receipt_weekly_from_the_day_after_the_month_is_out() -> None:
    received = Record(Direction.OUT, OUT.issued, OUT.valid_until, received=D("2026-03-20"))
    assert timers(received, "2026-04-20") == []
    assert timers(received, "2026-04-21") == [(Timer.RECEIPT, 0)]
    assert timers(received, "2026-04-28") == [(Timer.RECEIPT, 1)]
    assert timers(received, "2026-06-02") == [(Timer.RECEIPT, 6)]  # received: no expiry warnings any more


def test_in_place_from_the_next_day_and_receipt_a_week_before_the_month() -> None:
    assert timers(IN, "2026-03-02") == []
    assert timers(IN, "2026-03-03") == [(Timer.PLACE, 0)]
    assert timers(IN, "2026-03-25") == [(Timer.PLACE, 3)]
    assert timers(IN, "2026-03-26") == [(Timer.PLACE, 3), (Timer.SEND_RECEIPT, 0)]
    placed = Record(Direction.IN, IN.issued, IN.valid_until, IN.received, placed=D("2026-03-02"))
    assert timers(placed, "2026-03-25") == []
    assert timers(placed, "2026-04-02") == [(Timer.SEND_RECEIPT, 1)]


def test_steps_refused_with_their_rule() -> None:
    today = D("2026-04-01")
    assert check(OUT, Step.RECEIVED, D("2026-04-02"), today) == "future"
    assert check(OUT, Step.RECEIVED, D("2026-03-01"), today) == "before_letter"
    assert check(OUT, Step.RECEIVED, D("2026-03-02"), today) is None
    assert check(OUT, Step.PLACE, D("2026-03-20"), today) == "not_for_out"
    received = Record(Direction.OUT, OUT.issued, OUT.valid_until, received=D("2026-03-20"))
    assert check(received, Step.RECEIVED, D("2026-03-21"), today) == "done"
    assert check(received, Step.RECEIPT, D("2026-03-19"), today) == "before_received"
    assert check(received, Step.RECEIPT, D("2026-03-20"), today) is None
    closed = Record(Direction.OUT, OUT.issued, OUT.valid_until, receipt=D("2026-03-25"))
    assert check(closed, Step.CANCEL, D("2026-03-26"), today) == "closed"
    assert due(closed, D("2026-06-02")) == []
