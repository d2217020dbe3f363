"""发展党员 rules: every threshold of the 细则 on both sides (bot/services/development/rules.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.development import rules
from bot.services.development.rules import (
    Record,
    Stage,
    Step,
    Taken,
    Timer,
    Vote,
    add_months,
    approval_deadline,
    candidate_from,
    check,
    extension_allowed,
    old_enough,
    pending,
    probation_end,
    reminders,
    talk_deadline,
    training_enough,
)

D = date.fromisoformat
TODAY = D("2030-01-01")


def rec(*steps: tuple[Step, str] | tuple[Step, str, int]) -> Record:
    return Record(tuple(Taken(s[0], D(s[1]), s[2] if len(s) > 2 else 0) for s in steps))  # type: ignore[misc]


APPLIED = rec((Step.APPLY, "2025-01-10"))
TALKED = rec((Step.APPLY, "2025-01-10"), (Step.TALK, "2025-02-01"))
ACTIVIST = rec((Step.APPLY, "2025-01-10"), (Step.TALK, "2025-02-01"), (Step.ACTIVIST, "2025-03-15"))
CANDIDATE = rec(*[(t.step, t.on.isoformat()) for t in ACTIVIST.steps], (Step.CANDIDATE, "2026-03-15"))
READY = rec(
    *[(t.step, t.on.isoformat()) for t in CANDIDATE.steps], (Step.VETTING, "2026-04-01"), (Step.TRAINING, "2026-04-10")
)
ADMITTED = rec(*[(t.step, t.on.isoformat()) for t in READY.steps], (Step.ADMIT, "2026-05-20"))
PROBATION = rec(*[(t.step, t.on.isoformat()) for t in ADMITTED.steps], (Step.APPROVE, "2026-07-01"))


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(D("2026-01-31"), 1) == D("2026-02-28")
    assert add_months(D("2028-01-31"), 1) == D("2028-02-29")
    assert add_months(D("2026-12-26"), 12) == D("2027-12-26")
    assert add_months(D("2026-03-31"), -1) == D("2026-02-28")


def test_age_eighteen_on_the_birthday_and_not_the_day_before() -> None:
    assert old_enough(D("2008-05-01"), D("2026-05-01"))
    assert not old_enough(D("2008-05-01"), D("2026-04-30"))


def test_talk_within_one_month() -> None:
    assert talk_deadline(D("2025-01-10")) == D("2025-02-10")
    assert [p.late for p in pending(APPLIED, D("2025-02-10"))] == [False]
    assert [p.late for p in pending(APPLIED, D("2025-02-11"))] == [True]
    assert pending(TALKED, D("2025-03-01")) == []


def test_activist_only_after_the_talk() -> None:
    refused = check(APPLIED, Taken(Step.ACTIVIST, D("2025-02-01")), TODAY)
    assert refused is not None and refused.key == "talk_first"
    assert check(TALKED, Taken(Step.ACTIVIST, D("2025-02-01")), TODAY) is None


def test_candidate_after_one_full_year_as_activist() -> None:
    assert candidate_from(D("2025-03-15")) == D("2026-03-15")
    early = check(ACTIVIST, Taken(Step.CANDIDATE, D("2026-03-14")), TODAY)
    assert early is not None and early.key == "one_year"
    assert check(ACTIVIST, Taken(Step.CANDIDATE, D("2026-03-15")), TODAY) is None


def test_half_yearly_review_of_an_activist() -> None:
    assert ACTIVIST.review_due == D("2025-09-15")
    reviewed = rec(*[(t.step, t.on.isoformat()) for t in ACTIVIST.steps], (Step.REVIEW, "2025-09-10"))
    assert reviewed.review_due == D("2026-03-10")
    # the reminder window opens a week before, not earlier
    assert [p.timer for p in reminders(ACTIVIST, D("2025-09-08"))] == [Timer.REVIEW]
    assert reminders(ACTIVIST, D("2025-09-07")) == []


def test_training_three_days_or_24_hours() -> None:
    assert training_enough(3, 0) and training_enough(0, 24)
    assert not training_enough(2.5, 23.5)


def test_admission_needs_vetting_and_training() -> None:
    refused = check(CANDIDATE, Taken(Step.ADMIT, D("2026-05-01")), TODAY)
    assert refused is not None and refused.key == "admit_missing"
    assert check(READY, Taken(Step.ADMIT, D("2026-05-01")), TODAY) is None


@pytest.mark.parametrize(
    ("vote", "passed"),
    [
        (Vote(expected=10, present=6, for_=6), True),
        (Vote(expected=10, present=5, for_=5), False),  # 5 is not more than half of 10: no quorum
        (Vote(expected=10, present=6, for_=5), False),  # 5 for is not more than half
        (Vote(expected=10, present=6, for_=5, written_for=1), True),  # a written opinion counts
        (Vote(expected=9, present=5, for_=5), True),
        (Vote(expected=9, present=4, for_=4, written_for=3), False),  # written opinions do not make a quorum
        (Vote(expected=10, present=6, for_=7), False),  # more for than present: not a count
        (Vote(expected=10, present=8, for_=5, written_for=3), False),  # only 2 were absent
    ],
)
def test_admission_vote(vote: Vote, passed: bool) -> None:
    assert vote.passed is passed


def test_approval_within_three_months() -> None:
    assert approval_deadline(D("2026-05-20")) == D("2026-08-20")
    assert [(p.timer, p.late) for p in pending(ADMITTED, D("2026-08-20"))] == [(Timer.APPROVAL, False)]
    assert reminders(ADMITTED, D("2026-08-20")) == []
    assert [p.timer for p in reminders(ADMITTED, D("2026-08-21"))] == [Timer.APPROVAL]


def test_probation_one_year_from_the_meeting() -> None:
    assert PROBATION.stage is Stage.PROBATIONARY
    assert PROBATION.probation_ends == probation_end(D("2026-05-20")) == D("2027-05-20")
    early = check(PROBATION, Taken(Step.CONFIRM, D("2027-05-19")), TODAY)
    assert early is not None and early.key == "probation"
    assert check(PROBATION, Taken(Step.CONFIRM, D("2027-05-20")), TODAY) is None
    # the 转正 reminder: from a month before the end, not a day earlier
    assert Timer.PROBATION in [p.timer for p in reminders(PROBATION, D("2027-04-20"))]
    assert Timer.PROBATION not in [p.timer for p in reminders(PROBATION, D("2027-04-19"))]


def test_extension_six_months_to_a_year_once() -> None:
    assert extension_allowed(6) and extension_allowed(12)
    assert not extension_allowed(5) and not extension_allowed(13)
    refused = check(PROBATION, Taken(Step.EXTEND, D("2027-05-20"), 13), TODAY)
    assert refused is not None and refused.key == "extension"
    assert check(PROBATION, Taken(Step.EXTEND, D("2027-05-20"), 12), TODAY) is None
    extended = rec(*[(t.step, t.on.isoformat()) for t in PROBATION.steps], (Step.EXTEND, "2027-05-20", 6))
    assert extended.probation_ends == D("2027-11-20")
    again = check(extended, Taken(Step.EXTEND, D("2027-11-20"), 6), TODAY)
    assert again is not None and again.key == "once"
    assert check(extended, Taken(Step.CONFIRM, D("2027-11-19")), TODAY) is not None
    assert check(extended, Taken(Step.CONFIRM, D("2027-11-20")), TODAY) is None


def test_order_future_and_backdating() -> None:
    refused = check(APPLIED, Taken(Step.CANDIDATE, D("2026-05-01")), TODAY)
    assert refused is not None and refused.key == "order"
    future = check(APPLIED, Taken(Step.TALK, D("2030-01-02")), TODAY)
    assert future is not None and future.key == "future"
    assert check(APPLIED, Taken(Step.TALK, D("2030-01-01")), TODAY) is None
    back = check(APPLIED, Taken(Step.TALK, D("2025-01-09")), TODAY)
    assert back is not None and back.key == "before_last"
    assert check(APPLIED, Taken(Step.TALK, D("2025-01-10")), TODAY) is None
    assert check(rec(), Taken(Step.APPLY, D("2025-01-10")), TODAY) is None


def test_stages_follow_the_steps() -> None:
    assert [r.stage for r in (rec(), APPLIED, ACTIVIST, CANDIDATE, ADMITTED, PROBATION)] == [
        Stage.NONE,
        Stage.APPLICANT,
        Stage.ACTIVIST,
        Stage.CANDIDATE,
        Stage.ADMITTED,
        Stage.PROBATIONARY,
    ]
    full = rec(*[(t.step, t.on.isoformat()) for t in PROBATION.steps], (Step.CONFIRM, "2027-05-20"))
    assert full.stage is Stage.FULL and full.since == D("2027-05-20") and pending(full, TODAY) == []


def test_a_thought_report_each_quarter_from_activists_and_candidates() -> None:
    """积极分子 and 发展对象 hand in a 思想汇报 at least once a quarter: a quarter without one is pending until its last
    day (the report engine reminds the person, then the secretary: tests/development/test_reports.py, not these
    timers); one recorded on the quarter's first day counts, one on the day before does not."""
    assert [p for p in pending(ACTIVIST, D("2025-08-01")) if p.timer is Timer.REPORT] == [
        rules.Pending(Timer.REPORT, D("2025-09-30"), False)
    ]
    assert Timer.REPORT not in [p.timer for p in reminders(ACTIVIST, D("2025-09-23"))]
    steps = [(t.step, t.on.isoformat()) for t in ACTIVIST.steps]
    on_first_day = rec(*steps, (Step.REPORT, "2025-07-01"))
    day_before = rec(*steps, (Step.REPORT, "2025-06-30"))
    assert rules.reported_this_quarter(on_first_day, D("2025-09-23"))
    assert not rules.reported_this_quarter(day_before, D("2025-09-23"))
    assert Timer.REPORT in [p.timer for p in pending(day_before, D("2025-09-23"))]
    assert Timer.REPORT not in [p.timer for p in pending(on_first_day, D("2025-09-23"))]
    assert Timer.REPORT in [p.timer for p in pending(CANDIDATE, D("2026-04-01"))]
    # an applicant owes none yet; a 预备党员 is a member, whose reports are the report engine's
    assert Timer.REPORT not in [p.timer for p in pending(APPLIED, D("2025-01-20"))]
    assert Timer.REPORT not in [p.timer for p in pending(PROBATION, D("2026-08-01"))]
    assert check(APPLIED, Taken(Step.REPORT, D("2025-01-20")), TODAY) is not None  # not before 积极分子
    assert check(ACTIVIST, Taken(Step.REPORT, D("2025-04-01")), TODAY) is None
    assert rules.quarter_end(D("2025-12-31")) == D("2025-12-31") and rules.quarter_end(D("2026-01-01")) == D(
        "2026-03-31"
    )
