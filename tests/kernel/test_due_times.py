"""When a chain is looked at next (bot.services.kernel.due_times, due_meetings): pure functions with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.services.kernel.due_times import WEEK, LookRules, Reporter, next_report_look, steps_after
from bot.services.kernel.reminders import quiet_end, rules_fingerprint
from bot.services.notices.due import meeting_stage, next_meeting_look
from bot.services.reports import common as reports
from bot.store.reports import MobileRow, Person

TZ = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
MONTH = timedelta(days=30)


def at(day: str, clock: str = "10:00", tz: ZoneInfo = TZ) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=tz)


SINCE = date(2025, 6, 1)


def look(
    cadence: str,
    now: datetime,
    last: datetime | None = None,
    days_before: int = 3,
    submitted: frozenset[str] = frozenset(),
    since: date | None = SINCE,
) -> datetime:
    return next_report_look(Reporter(cadence, since, submitted, last), LookRules(TZ, days_before, MONTH), now)


def test_steps_after_counts_whole_steps_from_the_origin() -> None:
    origin = at("2026-12-01", "09:00")
    assert steps_after(origin, WEEK, at("2026-11-20")) == origin  # not yet come: the origin itself
    assert steps_after(origin, WEEK, origin) == origin + WEEK  # strictly after now
    assert steps_after(origin, WEEK, at("2026-12-09")) == at("2026-12-15", "09:00")


def test_steps_after_across_summer_time_is_never_late() -> None:
    origin = at("2026-03-23", "09:00", BERLIN)  # a week before summer time starts
    now_local = at("2026-03-30", "08:30", BERLIN)
    found = steps_after(origin, WEEK, now_local)
    # on the wall clock the next step is 09:00 local; absolutely it is 10:00 local: the earlier is taken
    assert found.astimezone(UTC) == at("2026-03-30", "09:00", BERLIN).astimezone(UTC)
    assert found > now_local


def test_a_member_who_reported_waits_for_the_current_periods_stages() -> None:
    done = frozenset({"2026-10"})
    # November: 'before' from the 27th 09:00, the deadline day the 30th 09:00, then December's time
    assert look("monthly", at("2026-11-20"), submitted=done) == at("2026-11-27", "09:00")
    assert look("monthly", at("2026-11-27", "09:00"), submitted=done) == at("2026-11-30", "09:00")
    # after the deadline day: November is overdue from 1 Dec, its first stage at 09:00
    assert look("monthly", at("2026-11-30", "12:00"), submitted=done) == at("2026-12-01", "09:00")
    # November filed too: nothing until December's 'before' stage
    assert look("monthly", at("2026-11-30", "12:00"), submitted=done | {"2026-11"}) == at("2026-12-28", "09:00")


def test_an_overdue_period_is_looked_at_the_day_after_and_two_weeks_later() -> None:
    # October unfiled: overdue stages 1 Nov 09:00 and 15 Nov 09:00; then November is the overdue one
    assert look("monthly", at("2026-11-05")) == at("2026-11-15", "09:00")
    assert look("monthly", at("2026-11-20")) == at("2026-12-01", "09:00")
    assert look("monthly", at("2026-11-29", "09:00")) == at("2026-12-01", "09:00")
    # Q3 overdue since 1 Oct 09:00, again 15 Oct; then nothing till Q4 is overdue on 1 Jan
    assert look("quarterly", at("2026-10-05")) == at("2026-10-15", "09:00")
    assert look("quarterly", at("2026-11-05")) == at("2027-01-01", "09:00")


def test_a_before_stage_longer_than_the_period_starts_when_the_period_opens() -> None:
    # 40 days before the end of December is in November: the December period has it from 1 Dec 00:00
    assert look("monthly", at("2026-11-30", "12:00"), days_before=40, submitted=frozenset({"2026-11"})) == at(
        "2026-12-01", "00:00"
    )


def test_nothing_owed_yet_waits_for_the_period_that_is() -> None:
    assert look("monthly", at("2026-11-05"), since=date(2027, 1, 15)) == at("2027-01-28", "09:00")
    # not mobile since any known day: looked at again after three periods
    assert look("monthly", at("2026-11-05"), since=None) == at("2027-02-01", "00:00")


def test_no_contact_looks_every_thirty_days_after_the_last_touch() -> None:
    last = datetime(2026, 11, 1, 2, tzinfo=UTC)
    filed = frozenset({"2026-Q3", "2026-Q4"})
    assert look("quarterly", at("2026-11-20"), last=last, submitted=filed) == last + MONTH
    assert look("quarterly", last + MONTH, last=last, submitted=filed) == last + 2 * MONTH


PEOPLE = {8: Person(8, "李联络", 1008, "zh", True), 9: Person(9, "王书记", 1009, "zh", True)}


def keys(row: MobileRow, now: datetime, settings: Settings) -> set[str]:
    """What the rules have due at `now` for a reachable member with a reachable liaison and secretary."""
    return {key for key, _ in reports.member_candidates(row, reports.Recipients(PEOPLE, {2: [9]}), now, settings)}


@pytest.mark.parametrize(
    ("cadence", "since", "submitted", "last", "days_before"),
    [
        ("monthly", date(2025, 6, 1), frozenset(), None, 3),
        (
            "monthly",
            date(2026, 2, 10),
            frozenset({"2026-03", "2026-04", "2026-07", "2026-08", "2026-11"}),
            datetime(2026, 5, 3, 7, 20, tzinfo=UTC),
            3,
        ),
        ("quarterly", date(2026, 1, 10), frozenset({"2026-Q2"}), datetime(2026, 6, 30, 16, tzinfo=UTC), 10),
        ("monthly", date(2026, 4, 30), frozenset({"2026-06"}), None, 40),
        ("quarterly", date(2026, 8, 1), frozenset(), datetime(2026, 9, 1, tzinfo=UTC), 0),
    ],
)
def test_no_new_key_appears_before_the_look(
    cadence: str, since: date, submitted: frozenset[str], last: datetime | None, days_before: int
) -> None:
    """Stepping through a year from look to look, probing every hour in between (and a minute before the
    look): every key the rules have before the next look, they had at the last one."""
    settings = Settings(_env_file=None, bot_token="1:x", report_reminder_days_before=days_before)  # type: ignore[call-arg]
    row = MobileRow(7, "张流动", 2, 1007, True, "zh", 8, cadence, since.isoformat(), None, submitted, last)
    touched = reports.last_touch(row, since, TZ)
    now = at("2026-01-01", "00:10")
    looks = found = 0
    while now < at("2027-01-01"):
        nxt = look(cadence, now, touched, days_before, submitted, since)
        assert nxt > now
        had = keys(row, now, settings)
        probe = now + timedelta(minutes=1)
        while probe < nxt:
            assert keys(row, probe, settings) <= had, probe
            probe = min(probe + timedelta(hours=1), max(nxt - timedelta(minutes=1), probe + timedelta(minutes=1)))
        found += bool(keys(row, nxt, settings) - had)
        now, looks = nxt, looks + 1
    assert found and looks < 120  # a few looks a month, not one a sweep


def test_meeting_stages_and_looks() -> None:
    starts = at("2026-11-28", "15:00")
    stages = [timedelta(hours=24), timedelta(hours=1)]
    assert meeting_stage(starts, at("2026-11-27", "14:59"), stages) is None
    assert meeting_stage(starts, at("2026-11-27", "15:00"), stages) == timedelta(hours=24)
    assert meeting_stage(starts, at("2026-11-28", "14:00"), stages) == timedelta(hours=1)
    assert meeting_stage(starts, starts, stages) is None
    assert next_meeting_look(starts, at("2026-11-20"), stages) == at("2026-11-27", "15:00")
    assert next_meeting_look(starts, at("2026-11-27", "15:00"), stages) == at("2026-11-28", "14:00")
    assert next_meeting_look(starts, at("2026-11-28", "14:30"), stages) == starts  # leave may turn to attend
    assert next_meeting_look(starts, starts, stages) is None


def test_quiet_hours_end_the_next_morning() -> None:
    settings = Settings(_env_file=None, bot_token="1:x", quiet_hours="21:00-08:00")  # type: ignore[call-arg]
    assert quiet_end(at("2026-11-27", "22:00"), settings) == at("2026-11-28", "08:00")
    assert quiet_end(at("2026-11-28", "07:00"), settings) == at("2026-11-28", "08:00")
    assert quiet_end(at("2026-11-27", "22:00").astimezone(UTC), settings) == at("2026-11-28", "08:00")


def test_the_fingerprint_names_what_due_times_depend_on() -> None:
    base = Settings(_env_file=None, bot_token="1:x")  # type: ignore[call-arg]
    assert rules_fingerprint(base) == rules_fingerprint(
        Settings(
            _env_file=None,
            bot_token="1:x",  # type: ignore[call-arg]
            quiet_hours="",
        )
    )
    for change in ({"report_reminder_days_before": 5}, {"meeting_reminders": "2h"}, {"timezone": "UTC"}):
        assert rules_fingerprint(Settings(_env_file=None, bot_token="1:x", **change)) != rules_fingerprint(base)  # type: ignore[arg-type]
