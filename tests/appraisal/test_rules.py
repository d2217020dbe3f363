"""The pure rules of the branch's year, each threshold on both sides."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.appraisal import rules
from bot.services.appraisal.rules import (
    PROMPT_DAYS,
    Grade,
    PromptReason,
    TalkForm,
    Trigger,
    cleared,
    parse_form,
    prompt_stage,
)


def test_required_pairs_are_committee_pairs_and_committee_with_members() -> None:
    pairs = rules.required_pairs([1, 2], [1, 2, 3, 4])
    assert pairs == {frozenset(p) for p in [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4)]}
    assert frozenset((3, 4)) not in pairs  # member with member: not counted as required
    done, missing = rules.pair_status(pairs, [(2, 1), (3, 4)])
    assert done == {frozenset((1, 2))} and len(missing) == 4


def test_the_nudge_starts_in_the_last_quarter() -> None:
    assert not rules.nudge_due(date(2026, 9, 30))
    assert rules.nudge_due(date(2026, 10, 1))


def test_a_talk_day_is_this_year_up_to_today() -> None:
    today = date(2026, 5, 10)
    assert rules.talk_day("2026-05-10", today) == today
    assert rules.talk_day("2026-05-11", today) is None
    assert rules.talk_day("2025-12-31", today) is None
    assert rules.talk_day("2026-2-30", today) is None and rules.talk_day("前几天", today) is None


def test_the_appraisal_is_open_from_its_first_to_its_last_day() -> None:
    starts, ends = date(2026, 12, 1), date(2026, 12, 20)
    assert not rules.is_open(starts, ends, date(2026, 11, 30))
    assert rules.is_open(starts, ends, starts) and rules.is_open(starts, ends, ends)
    assert not rules.is_open(starts, ends, date(2026, 12, 21))


def test_nobody_votes_on_themselves_nor_without_a_vote() -> None:
    assert rules.may_vote(1, 2, {1, 2}, {1, 2, 3})
    assert not rules.may_vote(1, 1, {1, 2}, {1, 2})
    assert not rules.may_vote(3, 1, {1, 2}, {1, 2, 3})
    assert not rules.may_vote(1, 9, {1, 2}, {1, 2})


def test_tallies_are_shown_from_three_ballots() -> None:
    assert rules.shown_tally({"excellent": 1, "qualified": 1}) is None
    assert rules.shown_tally({"excellent": 2, "qualified": 1}) == {"excellent": 2, "qualified": 1}


def test_grades_read_in_both_languages() -> None:
    assert rules.parse_grade("不合格") is Grade.UNQUALIFIED and rules.parse_grade("Basic") is Grade.BASIC
    assert rules.parse_grade("差") is None
    assert rules.parse_pledge_grade("较好") is rules.PledgeGrade.FAIR and rules.parse_pledge_grade("优秀") is None


def test_an_item_is_reminded_before_on_and_weekly_after_its_deadline() -> None:
    deadline = date(2026, 6, 30)
    assert rules.item_stage(deadline, date(2026, 6, 26)) is None  # 4 days before
    assert rules.item_stage(deadline, date(2026, 6, 27)) == "soon"  # 3 days before
    assert rules.item_stage(deadline, date(2026, 6, 29)) == "soon"
    assert rules.item_stage(deadline, deadline) == "due"
    assert rules.item_stage(deadline, date(2026, 7, 6)) == "due"  # 6 days late
    assert rules.item_stage(deadline, date(2026, 7, 7)) == "overdue-1"  # 7 days late
    assert rules.item_stage(deadline, date(2026, 7, 14)) == "overdue-2"


def test_material_is_reminded_in_the_days_before_its_deadline() -> None:
    deadline = date(2026, 12, 10)
    assert not rules.material_due(deadline, date(2026, 12, 6))
    assert rules.material_due(deadline, date(2026, 12, 7)) and rules.material_due(deadline, deadline)
    assert not rules.material_due(deadline, date(2026, 12, 11))


def test_a_deadline_is_from_today_to_a_year_ahead() -> None:
    today = date(2026, 3, 1)
    assert rules.future_day("2026-03-01", today) == today
    assert rules.future_day("2026-02-28", today) is None
    assert rules.future_day("2027-03-02", today) == date(2027, 3, 2)  # 366 days
    assert rules.future_day("2027-03-03", today) is None


def test_pledges_are_asked_for_in_january() -> None:
    assert rules.pledge_ask_due(date(2027, 1, 31)) and not rules.pledge_ask_due(date(2027, 2, 1))


def _trigger(since: date) -> Trigger:
    return Trigger(member_id=5, unit_id=1, reason=PromptReason.ILL, since=since, ref="care-1")


def test_a_prompt_clears_only_with_a_committee_member_on_or_after_its_day() -> None:
    since = date(2026, 5, 4)
    committee = {1, 2}
    assert cleared(_trigger(since), [(1, 5, since)], committee)
    assert cleared(_trigger(since), [(5, 2, date(2026, 5, 20))], committee)
    assert not cleared(_trigger(since), [(1, 5, date(2026, 5, 3))], committee)  # the day before
    assert not cleared(_trigger(since), [(3, 5, since)], committee)  # not a 支部委员
    assert not cleared(_trigger(since), [(1, 2, since)], committee)  # not the member


def test_a_prompt_is_new_up_to_its_due_day_and_late_after() -> None:
    prompt = _trigger(date(2026, 5, 4))
    assert prompt.due == date(2026, 5, 4) + timedelta(days=PROMPT_DAYS)
    assert prompt_stage(prompt, date(2026, 5, 3)) is None
    assert prompt_stage(prompt, date(2026, 5, 4)) == "new"
    assert prompt_stage(prompt, prompt.due) == "new"
    assert prompt_stage(prompt, prompt.due + timedelta(days=1)) == "late"


def test_a_talk_form_word_before_the_name() -> None:
    assert parse_form("电话 王芳") == (TalkForm.PHONE, "王芳")
    assert parse_form("上门 王芳") == (TalkForm.VISIT, "王芳")
    assert parse_form("王芳") == (TalkForm.FACE, "王芳")
    assert parse_form("电话") == (TalkForm.FACE, "电话")  # a form alone is taken for a name
    assert parse_form("短信 王芳") == (TalkForm.FACE, "短信 王芳")


def test_a_day_may_be_written_in_words() -> None:
    today = date(2026, 5, 4)
    assert rules.day_of("今天", today) == today and rules.day_of("昨天", today) == date(2026, 5, 3)
    assert rules.day_of("7天后", today) == date(2026, 5, 11) and rules.day_of("in 7 days", today) == date(2026, 5, 11)
    assert rules.day_of("前几天", today) is None
    assert rules.talk_day("昨天", today) == date(2026, 5, 3)
    assert rules.talk_day("明天", today) is None  # not held yet
    assert rules.talk_day("昨天", date(2026, 1, 1)) is None  # last year
    assert rules.future_day("明天", today) == date(2026, 5, 5)
    assert rules.future_day("昨天", today) is None
