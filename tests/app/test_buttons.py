"""Button payloads: every kind packs under Telegram's 64 bytes, round-trips, and refuses forged values."""

from __future__ import annotations

from dataclasses import fields
from typing import get_type_hints

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import payload
from bot.domain.payload import Payload, family
from bot.services.notices.buttons import NOTICES, NoticeAttend, NoticeSend
from bot.services.registry import PAYLOADS as ALL
from bot.services.reports.buttons import StatusSkip, StatusState


def _largest(kind: type[Payload]) -> Payload:
    """The longest payload of a kind: 18-digit ids, the longest allowed word, 16-character tokens."""
    values: dict[str, object] = {}
    for spec in fields(kind):
        if get_type_hints(kind)[spec.name] is int:
            values[spec.name] = 10**18 - 1
        elif (choices := kind.choices(spec.name)) is not None:
            values[spec.name] = max(choices, key=lambda v: len(v.encode()))
        else:
            values[spec.name] = "x" * 16
    return kind(**values)


@pytest.mark.parametrize("kind", ALL, ids=lambda k: k.__name__)
def test_every_payload_fits_in_64_bytes_and_round_trips(kind: type[Payload]) -> None:
    payload = _largest(kind)
    data = payload.pack()
    assert len(data.encode()) <= 64
    assert kind.unpack(data) == payload
    assert kind.matches(data)


@pytest.mark.parametrize("kind", ALL, ids=lambda k: k.__name__)
def test_no_payload_is_taken_for_another_kind(kind: type[Payload]) -> None:
    data = _largest(kind).pack()
    assert [other for other in ALL if other.matches(data)] == [kind]


@pytest.mark.parametrize(
    "data",
    [
        "st:evil",
        "st:",
        "st:skip:1",
        "duty:kind:evil",
        "duty:res:",
        "duty:out:1:evil",
        "duty:out:x:resolved",
        "ntc:att:",
        "ntc:att:12a",
        "ntc:att:1234567890123456789",
        "ntc:att:-1",
        "ntc:att:²",
        "ntc:kind:evil",
        "ntc:send:ab:cd",
        "ntc:send:" + "a" * 17,
        "ntc:send:é",
        "duty:post:1:king",
        "rep:start:1",
        "",
    ],
)
def test_forged_values_match_no_kind(data: str) -> None:
    assert not any(kind.matches(data) for kind in ALL)


def test_values_outside_their_set_cannot_be_packed() -> None:
    with pytest.raises(ValueError):
        StatusState("evil").pack()
    with pytest.raises(ValueError):
        NoticeSend("has:colon").pack()


def test_a_word_that_is_also_a_prefix_is_told_apart() -> None:
    assert StatusSkip.unpack("st:skip") == StatusSkip()
    assert StatusState.unpack("st:skip") is None
    assert StatusState.unpack("st:ill") == StatusState("ill")


def test_every_capability_registers_its_payloads_and_no_two_share_a_prefix() -> None:
    """The list is collected from each capability's `buttons` module, not kept by hand: all 57 kinds of the
    split `bot/buttons.py`, the preview's 不发到群 (issue 30) and the 民主测评 ballot (issue 26), each under its own
    prefix, each declared in
    `bot/services/<capability>/buttons.py`."""
    assert len(ALL) == 59 + len(ADDED) and ALL == payload.kinds()
    assert len({kind.PREFIX for kind in ALL}) == len(ALL)
    assert all(kind.__module__.startswith("bot.services.") and kind.__module__.endswith(".buttons") for kind in ALL)
    with pytest.raises(TypeError):

        class Twin(payload.Payload):  # a second kind under a prefix that is taken
            PREFIX = NoticeAttend.PREFIX


#: The kinds added since the split (issue 23), by name.
ADDED = (
    "MinutesKind",
    "MinutesNoWritten",
    "NoticeMode",
    "CheckinShow",
    "MinutesContentDone",
    "PublicityPost",  # 党务公开 (issue 28)
    "PublicityDrop",
    "PledgePost",  # /pledge 公布 (issue 26)
    "PledgeDrop",
    "RegisterView",  # a 发展党员 register's 思想汇报 (issue 24)
    "RegisterRead",
    "RegisterComment",
    "TransferOut",  # 办理转出 on the six-month reminder (issue 27)
    "TransferOutUsual",
)


#: One payload of each kind as the version before the split sent it (bot/buttons.py at 77f3195): buttons of that
#: version are still in people's chats, so each must be read as the same kind and packed back unchanged.
ON_THE_WIRE = [
    ("Ballot", "apr:vote:1:2:excellent"),
    ("NoticeKind", "ntc:kind:partyday"),
    ("NoticeUnit", "ntc:unit:7"),
    ("NoticeSend", "ntc:send:a1b2"),
    ("NoticeDrop", "ntc:drop:a1b2"),
    ("NoticeGroupCopy", "ntc:grp:a1b2:no"),  # new in issue 30 (不发到群 on the preview), as it is sent
    ("NoticeAttend", "ntc:att:7"),
    ("NoticeLeave", "ntc:lv:7"),
    ("NoticeCheckin", "ntc:in:7"),
    ("NoticeLeaveOk", "ntc:lok:7:8:9"),
    ("NoticeLeaveNo", "ntc:lno:7:8:9"),
    ("ReportWrite", "rep:start"),
    ("ReportSend", "rep:send:a1b2"),
    ("ReportCancel", "rep:cancel:a1b2"),
    ("ReportView", "rep:view:7"),
    ("ReportRead", "rep:read:7"),
    ("ReportComment", "rep:note:7"),
    ("StatusState", "st:with_children"),
    ("StatusSkip", "st:skip"),
    ("StatusLong", "st:long:7:yes"),
    ("MobileRegister", "mob:reg:7"),
    ("MobileLiaison", "mob:lia:7:8"),
    ("DutyKind", "duty:kind:support"),
    ("DutyOutcome", "duty:res:resolved"),
    ("DutySkip", "duty:skip"),
    ("DutyFollowup", "duty:out:7:resolved"),
    ("DutyPostToggle", "duty:post:7:patrol"),
    ("DutyPostSwitch", "duty:psw:7:8"),
    ("DutyLogPost", "duty:log:7"),
    ("DutyClaim", "duty:claim:7"),
    ("DutyClaimDecide", "duty:cd:7:yes"),
    ("DutyApprove", "duty:ok:7:8:9"),
    ("DutyReject", "duty:no:7"),
    ("DutyReviewPage", "duty:rp:7:8"),
    ("DutyApproveRange", "duty:or:7:8:9"),
    ("DutyApproveMonth", "duty:okm:7"),
    ("DutyAccountWrite", "duty:acc:7"),
    ("DutyAccountsPage", "duty:ap:7:8"),
    ("DutyPublish", "duty:pub:7"),
    ("DutyPublishDrop", "duty:pubx:7"),
    ("InviteRelink", "inv:relink:7:8"),
    ("InviteKeep", "inv:keep:7"),
    ("ListPage", "pg:requests:8:unlinked:10"),
    ("LedgerAll", "ldg:all:7:8"),
    ("LedgerView", "ldg:v:7:8:9"),
    ("LedgerNotice", "ldg:ntc:partyday"),
    ("HouseholdPick", "hh:pick:7"),
    ("VisitNoRequest", "hh:noreq"),
    ("RequestOpen", "rq:open:7"),
    ("RequestAct", "rq:act:7:up"),
    ("RequestRate", "rq:rate:7:unsatisfied"),
    ("CarePick", "care:pick:7"),
    ("CareSkip", "care:skip"),
    ("MinutesPerson", "min:who:7:recorder:9"),
    ("MinutesAdd", "min:add:7"),
    ("MinutesDone", "min:done:7"),
    ("MinutesSave", "min:save:7"),
    ("MinutesDrop", "min:drop:7"),
    ("MinutesRedo", "min:redo:7"),
]


@pytest.mark.parametrize(("name", "data"), ON_THE_WIRE, ids=[name for name, _ in ON_THE_WIRE])
def test_payloads_already_sent_are_read_as_before(name: str, data: str) -> None:
    [kind] = [kind for kind in ALL if kind.matches(data)]
    unpacked = kind.unpack(data)
    assert kind.__name__ == name and unpacked is not None and unpacked.pack() == data
    assert len(ON_THE_WIRE) + len(ADDED) == len(ALL)


def test_family_matches_valid_and_forged_payloads_of_a_capability() -> None:
    match = family(NOTICES)
    assert match(NoticeAttend(5).pack()) and match("ntc:evil") and not match("ntcx:1") and not match(None)


@given(st.text(max_size=80))
def test_arbitrary_data_never_raises(data: str) -> None:
    for kind in ALL:
        unpacked = kind.unpack(data)
        assert unpacked is None or unpacked.pack() == data
