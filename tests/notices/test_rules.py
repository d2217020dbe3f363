"""The pure rules of meeting notices: parsing times and the one-line form, check-in window, quorum,
reminder stages, and what the buttons and messages look like."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.call import Call
from bot.domain.models import Member, Unit
from bot.domain.rights import Actor, OrgTree
from bot.i18n import t
from bot.services.notices import common as rules
from bot.services.notices import text as view
from bot.services.notices.buttons import (
    NoticeAttend,
    NoticeCheckin,
    NoticeDrop,
    NoticeKind,
    NoticeLeave,
    NoticeSend,
    NoticeUnit,
)
from bot.services.notices.common import NoticeError
from bot.store.notices import Draft

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
TREE = OrgTree.of(
    [
        Unit(id=1, parent_id=None, kind="committee", name="社区党委"),
        Unit(id=2, parent_id=1, kind="branch", name="一村党支部"),
        Unit(id=3, parent_id=2, kind="group", name="一组"),
        Unit(id=4, parent_id=1, kind="branch", name="二村党支部"),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-12 15:00", datetime(2026, 3, 12, 15, 0, tzinfo=SH)),
        ("2026/3/12 9:05", datetime(2026, 3, 12, 9, 5, tzinfo=SH)),
        ("2026年3月12日 15：00", datetime(2026, 3, 12, 15, 0, tzinfo=SH)),
        ("03-12 15:00", datetime(2026, 3, 12, 15, 0, tzinfo=SH)),
        ("明天 15:00", datetime(2026, 3, 11, 15, 0, tzinfo=SH)),
        ("明天15:00", datetime(2026, 3, 11, 15, 0, tzinfo=SH)),
        ("Tomorrow 8:30", datetime(2026, 3, 11, 8, 30, tzinfo=SH)),
        ("今天 10:00", datetime(2026, 3, 10, 10, 0, tzinfo=SH)),
    ],
)
def test_times_are_parsed_in_the_local_zone(text: str, expected: datetime) -> None:
    assert rules.parse_when(text, NOW, SH) == expected


def test_month_day_in_december_for_january_means_next_year() -> None:
    december = datetime(2026, 12, 28, 9, 0, tzinfo=SH)
    assert rules.parse_when("01-05 15:00", december, SH) == datetime(2027, 1, 5, 15, 0, tzinfo=SH)


@pytest.mark.parametrize("text", ["下午三点", "2026-02-30 15:00", "2026-03-12 25:00", "", "03-12"])
def test_unreadable_times_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(NoticeError) as caught:
        rules.parse_when(text, NOW, SH)
    assert caught.value.key == "notice.err.when" and caught.value.params["example"] == "2026-03-11 15:00"


@pytest.mark.parametrize("text", ["2026-03-10 09:00", "2026-03-09 15:00", "今天 08:00", "03-09 10:00"])
def test_past_times_are_refused(text: str) -> None:
    with pytest.raises(NoticeError) as caught:
        rules.parse_when(text, NOW, SH)
    assert caught.value.key == "notice.err.past"


@pytest.mark.parametrize("text", ["9999-12-31 23:59", "2027-03-11 09:01", "2062-03-12 15:00"])
def test_times_more_than_a_year_ahead_are_refused_naming_the_problem(text: str) -> None:
    with pytest.raises(NoticeError) as caught:
        rules.parse_when(text, NOW, SH)
    assert caught.value.key == "notice.err.too_far"
    assert caught.value.params == {"value": text, "example": "2026-03-11 15:00"}
    message = t("zh", caught.value.key, **caught.value.params)
    assert "太远" in message and "一年以内" in message and text in message and "2026-03-11 15:00" in message
    assert "too far ahead" in t("en", caught.value.key, **caught.value.params)


def test_a_year_ahead_is_still_accepted() -> None:
    assert rules.parse_when("2027-03-10 09:00", NOW, SH) == datetime(2027, 3, 10, 9, 0, tzinfo=SH)
    assert rules.parse_when("2027-03-11 09:00", NOW, SH) == NOW + rules.MAX_AHEAD  # the limit itself


def test_kinds_accept_english_and_chinese_words() -> None:
    assert rules.parse_kind("支部党员大会") == "general"
    assert rules.parse_kind("General") == "general"
    assert rules.parse_kind("支委会") == "committee"
    assert rules.parse_kind("党小组会") == "group"
    assert rules.parse_kind("党课") == "lecture"
    assert rules.parse_kind("主题党日") == "partyday"
    assert rules.parse_kind("其他") == "other"
    assert rules.parse_kind("座谈会") is None


#: The secretary of 一村党支部 (unit 2, with its group 3), as the one-line form sees them.
SECRETARY = Actor(1001, Member(id=1, name="王书记", unit_id=2, group_id=3, roles=frozenset({"secretary"})))
BY_SECRETARY = Call(SECRETARY, NOW, "zh")


def test_one_line_form_defaults_to_the_secretarys_unit() -> None:
    draft = rules.parse_one_line(
        ["党课", "2026-03-12 15:00", "村委会", "学习党章"], Call(SECRETARY, NOW, "zh"), TREE, SH
    )
    assert draft == Draft(
        kind="lecture",
        unit_id=2,
        starts_at=datetime(2026, 3, 12, 15, 0, tzinfo=SH),
        place="村委会",
        topic="学习党章",
        speaker="王书记",
    )
    draft = rules.parse_one_line(
        ["group", "03-12 15:00", "2号楼", "学习", "一组"], Call(SECRETARY, NOW, "zh"), TREE, SH
    )
    assert draft.unit_id == 3 and draft.kind == "group"


@pytest.mark.parametrize(
    ("fields", "key", "field"),
    [
        (["党课", "2026-03-12 15:00", "", "学习"], "notice.err.empty", "place"),
        (["党课", "2026-03-12 15:00", "村委会", " "], "notice.err.empty", "topic"),
        (["", "2026-03-12 15:00", "村委会", "学习"], "notice.err.empty", "kind"),
        (["党课", "", "村委会", "学习"], "notice.err.empty", "when"),
        (["党课", "2026-03-12 15:00", "村" * 101, "学习"], "notice.err.too_long", "place"),
    ],
)
def test_one_line_form_names_the_bad_field(fields: list[str], key: str, field: str) -> None:
    with pytest.raises(NoticeError) as caught:
        rules.parse_one_line(fields, BY_SECRETARY, TREE, SH)
    assert caught.value.key == key and caught.value.params["field"] == field


def test_one_line_form_refuses_units_not_managed_and_wrong_shapes() -> None:
    with pytest.raises(NoticeError) as caught:
        rules.parse_one_line(
            ["党课", "2026-03-12 15:00", "村委会", "学习", "二村党支部"], Call(SECRETARY, NOW, "zh"), TREE, SH
        )
    assert caught.value.key == "notice.err.unit"
    assert caught.value.params["units"] == ["一村党支部", "一村党支部 一组"]
    with pytest.raises(NoticeError) as caught:
        rules.parse_one_line(["党课", "2026-03-12 15:00"], BY_SECRETARY, TREE, SH)
    assert caught.value.key == "notice.err.fields"


def test_check_in_window_is_half_an_hour_before_to_two_hours_after() -> None:
    start = datetime(2026, 3, 12, 15, 0, tzinfo=SH)
    assert not rules.may_check_in(start, start - timedelta(minutes=31))
    assert rules.may_check_in(start, start - timedelta(minutes=30))
    assert rules.may_check_in(start, start + timedelta(hours=2))
    assert not rules.may_check_in(start, start + timedelta(hours=2, seconds=1))
    assert rules.may_answer(start, start - timedelta(seconds=1)) and not rules.may_answer(start, start)


def test_quorum_is_more_than_half() -> None:
    assert rules.has_quorum(5, 3) and not rules.has_quorum(6, 3) and rules.has_quorum(6, 4)
    assert not rules.has_quorum(0, 0)


def test_stages_and_their_windows() -> None:
    stages = [timedelta(hours=1), timedelta(hours=24)]
    assert rules.stage_windows(stages) == [
        (timedelta(hours=24), timedelta(hours=1)),
        (timedelta(hours=1), timedelta(0)),
    ]
    assert [rules.stage_label(s) for s in (timedelta(hours=24), timedelta(minutes=30), timedelta(seconds=45))] == [
        "24h",
        "30m",
        "45s",
    ]


def test_callback_data_fits_in_64_bytes() -> None:
    for lang in ("zh", "en"):
        for row in view.buttons(lang, 2**53):
            for button in row:
                assert len(button["data"].encode()) <= 64


def test_every_notice_button_carries_a_typed_payload() -> None:
    (attend, leave), (checkin,) = view.buttons("zh", 7)
    assert NoticeAttend.unpack(attend["data"]) == NoticeAttend(7)
    assert NoticeLeave.unpack(leave["data"]) == NoticeLeave(7)
    assert NoticeCheckin.unpack(checkin["data"]) == NoticeCheckin(7)
    kinds = [NoticeKind.unpack(b["data"]) for row in view.kind_buttons("zh", rules.KINDS) for b in row]
    assert kinds == [NoticeKind(k) for k in rules.KINDS]
    assert [NoticeUnit.unpack(row[0]["data"]) for row in view.unit_buttons(TREE, [TREE.units[3]])] == [NoticeUnit(3)]
    send, drop = view.preview_buttons("en", "0a1b2c3d")[0]
    assert (send["text"], NoticeSend.unpack(send["data"])) == ("Send", NoticeSend("0a1b2c3d"))
    assert (drop["text"], NoticeDrop.unpack(drop["data"])) == ("Cancel", NoticeDrop("0a1b2c3d"))


def test_user_text_in_a_notice_is_escaped() -> None:
    draft = Draft(kind="other", unit_id=2, starts_at=NOW + timedelta(days=1), place="<b>礼堂</b>", topic="A & B")
    text = view.body(view.Wording("zh", TREE, SH), draft)
    assert "&lt;b&gt;礼堂&lt;/b&gt;" in text and "A &amp; B" in text
    assert t("en", "notice.btn_checkin") == "Check in"
