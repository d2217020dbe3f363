"""Issue 22 item 4 and issue 30 item 6: every conversation keeps a typed draft, stored by its stable name and
version — never by module path — and only registered drafts (with the enums their fields use) are rebuilt
from storage. Drafts saved by the version before the capability packages (40c769b) and by the main just after
(77f3195) restore into today's drafts; a stored name of a function is refused and logged, never called; a draft
of an unknown flow or version is dropped with a log line that holds none of its content, and the person starts
that step over; a draft saved before its flow's module is renamed restores after it."""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

import pytest

from bot.domain import drafts
from bot.domain.drafts import Draft
from bot.ops import restore
from bot.runtime.persistence import dump_user_data, load_user_data
from bot.services.appraisal.handin import HandIn
from bot.services.care.steps import VisitDraft as CareVisit
from bot.services.duty.accounts import AccountDraft
from bot.services.duty.flow import Draft as DutyDraft
from bot.services.duty.review import RejectDraft
from bot.services.households.requests_flow import Pending
from bot.services.households.visit import VisitDraft as HouseVisit
from bot.services.minutes.rules import DraftResolution, MinutesDraft
from bot.services.notices.attendance import LeaveReason
from bot.services.notices.compose import NoticeDraft
from bot.services.notices.presence import VenueDraft
from bot.services.registry import FLOWS
from bot.services.reports import status_steps
from bot.services.reports.read import CommentDraft
from bot.services.reports.status_steps import StatusDraft
from bot.services.reports.write import ReportDraft
from bot.services.transfers.out_steps import OutDraft
from tests.support.db import open_store
from tests.support.harness import Harness

DATA = Path(__file__).parents[1] / "data"
STORED = ("drafts-40c769b-before-capabilities.json", "drafts-77f3195-capabilities.json")
SECRET = "张家借了李家三万块钱的细节"
MEMBER, OTHER = 2002, 2005


def expected() -> dict[str, Draft]:
    """What the stored files hold (written by each version's own `dump_user_data`), as today's drafts."""
    found = [
        NoticeDraft(
            kind="lecture",
            unit_id=3,
            starts_at=datetime(2026, 12, 10, 15, 0, tzinfo=timezone(timedelta(hours=8))),
            place="村委会会议室",
            topic="学习党章",
            audience="members",
            speaker="王书记",
            preview="a1b2c3d4",
        ),
        LeaveReason(notice_id=17),
        ReportDraft(period="2026-Q4", ask="report.ask", deadline="2026-12-31 23:59", text="本季度学习情况"),
        CommentDraft(report_id=5),
        StatusDraft(state="away_work", location="浙江义乌"),
        DutyDraft(
            post="mediation", parties="张家、李家", kind="land", outcome="ongoing", followup_on=date(2026, 12, 3)
        ),
        RejectDraft(log_id=41),
        AccountDraft(quarter=20264),
        MinutesDraft(
            notice_id=11,
            host="王书记",
            recorder="李委员",
            content="学习党章",
            resolutions=(DraftResolution(text="同意发展张三为预备党员", yes=12, no=0, abstain=1),),
            pending="增补委员",
        ),
        CareVisit(case_id=7, name="赵大爷", brought="米面油"),
        HouseVisit(household_id=9, head="孙家", found="屋顶漏雨"),
        Pending(request_id=3, action="resolve", state="in_progress"),
    ]
    return {draft.flow_name(): draft for draft in found}


def added() -> dict[str, Draft]:
    """Drafts of flows added since the stored files were written (issue 23: /venue; issue 26: a hand-in;
    issue 27: a 转出 begun from the six-month reminder)."""
    return {
        VenueDraft.flow_name(): VenueDraft(name="村委会会议室"),
        HandIn.flow_name(): HandIn(what="material", unit_id=2, year=2026, until="2026-07-01T02:30:00+00:00"),
        OutDraft.flow_name(): OutDraft(member_id=4, org="中共长安镇委员会", letter="2026-015", issued=date(2026, 3, 2)),
    }


def test_every_conversation_has_a_registered_typed_draft_in_one_union() -> None:
    assert set(FLOWS) == set(expected()) | set(added()) and len(FLOWS) == 15
    for name, kind in FLOWS.items():
        assert issubclass(kind, Draft) and kind.model_config.get("frozen") and kind.flow_name() == name
    with pytest.raises(ValueError):  # frozen: a step returns a new draft
        StatusDraft().location = "x"  # type: ignore[misc]


@pytest.mark.parametrize("stored", STORED)
def test_drafts_saved_by_older_versions_restore_as_todays_drafts(stored: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        restored = load_user_data((DATA / stored).read_text("utf-8"))
    assert restored == expected() and not caplog.records
    assert {type(d) for d in restored.values()} == set(FLOWS.values()) - {type(d) for d in added().values()}
    # the notice, the status and the minutes in particular, field by field
    notice = restored["notices.compose"]
    assert isinstance(notice, NoticeDraft) and notice.preview == "a1b2c3d4" and notice.notice().topic == "学习党章"
    status = restored["reports.status"]
    assert isinstance(status, StatusDraft) and status.state == "away_work" and status.location == "浙江义乌"
    minutes = restored["minutes.record"]
    assert isinstance(minutes, MinutesDraft) and minutes.resolutions[0].yes == 12 and minutes.pending == "增补委员"


def test_drafts_are_stored_by_name_and_version_and_round_trip() -> None:
    text = dump_user_data({**expected(), **added()})
    assert text is not None
    for name in FLOWS:
        stored = json.loads(text)[name]
        assert stored["$draft"] == name and stored["version"] == FLOWS[name].VERSION and "flow" not in stored["fields"]
    assert "bot." not in text and "$data" not in text and "$enum" not in text  # no module, no class, no callable
    assert load_user_data(text) == {**expected(), **added()}
    assert dump_user_data({"x": 17, "y": {"a": 1}, "z": Path("/etc/passwd")}) is None  # only drafts are kept


@pytest.mark.parametrize("name", ["bot.services.restore:_remove", "bot.ops.restore:_remove", "os:system"])
def test_a_stored_name_of_a_function_is_refused_logged_and_never_called(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 30 item 6: `{"$enum": "bot.services.restore:_remove", …}` deleted a file at start-up."""
    calls: list[object] = []
    monkeypatch.setattr(restore, "_remove", calls.append)
    database = tmp_path / "zhibu.sqlite3"
    side = [Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal")]
    for path in side:
        path.write_text("keep")
    forged = {"$enum": name, "value": str(database)}
    stored = {
        "status": forged,  # where an old /status draft sat
        "notice_leave": forged,
        "report": {"$data": name, "fields": {"path": str(database)}},
        "carevisit": {"$data": "bot.services.care.steps:VisitDraft", "fields": {"case_id": forged, "name": "x"}},
        "minutes_draft": {
            "$data": "bot.services.minutes_rules:MinutesDraft",
            "fields": {"notice_id": 1, "resolutions": {"$tuple": [{"$data": name, "fields": {}}]}},
        },
        "reports.status": {"$draft": "reports.status", "version": 1, "fields": {"state": forged}},
        "somewhere": forged,
    }
    with caplog.at_level(logging.WARNING, logger="bot.runtime.persistence"):
        assert load_user_data(json.dumps(stored)) == {}
    assert calls == [] and all(path.read_text() == "keep" for path in side)
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == len(stored) and str(database) not in caplog.text


def test_an_unknown_flow_or_version_is_dropped_with_a_line_that_holds_none_of_its_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stored = {
        "notices.gone": {"$draft": "notices.gone", "version": 1, "fields": {"topic": SECRET}},
        "reports.status": {"$draft": "reports.status", "version": 2, "fields": {"location": SECRET}},
        "reports.write": {"$draft": "reports.write", "version": 1, "fields": {"text": SECRET}},  # fields missing
        "care.visit": {"$draft": "care.visit", "version": 1, "fields": {"case_id": SECRET, "name": SECRET}},
        "notices.compose": {"$draft": "notices.compose", "version": 1, "fields": {"place": "村委会"}},
        "visit": {"$data": "bot.services.households.visit:VisitDraft", "fields": {"household_id": 1, "x": SECRET}},
    }
    with caplog.at_level(logging.WARNING, logger="bot.runtime.persistence"):
        restored = load_user_data(json.dumps(stored))
    assert restored == {"notices.compose": NoticeDraft(place="村委会")}
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 5 and all("dropped" in line for line in lines)
    assert "notices.gone" in lines[0] and "version 2" in lines[1]
    assert SECRET not in caplog.text


def test_a_flow_may_upgrade_the_drafts_of_its_older_version(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(drafts, "_FLOWS", dict(drafts._FLOWS))  # the registry as it was, after the test
    monkeypatch.setattr(drafts, "_UNION", [])

    class Picked(Draft):
        """A test flow whose fields changed: version 2 names the post, version 1 had its number."""

        flow: Literal["tests.picked"] = "tests.picked"
        post: str
        VERSION = 2

        @classmethod
        def upgrade(cls, version: int, fields: dict[str, Any]) -> dict[str, Any] | None:
            return {"post": {1: "patrol", 2: "mediation"}[fields.pop("number")]} if version == 1 else None

    old = {"tests.picked": {"$draft": "tests.picked", "version": 1, "fields": {"number": 2}}}
    assert load_user_data(json.dumps(old)) == {"tests.picked": Picked(post="mediation")}
    newer = {"tests.picked": {"$draft": "tests.picked", "version": 3, "fields": {"post": "x"}}}
    with caplog.at_level(logging.WARNING, logger="bot.runtime.persistence"):
        assert load_user_data(json.dumps(newer)) == {}
    assert "version 3" in caplog.text


def test_a_draft_saved_before_its_flow_module_is_renamed_restores_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/status's flow moves from `bot.services.reports.status_steps` to a module of another name (a copy of
    its source loaded under that name, as a refactor would leave it); the draft saved before restores as the
    draft of the renamed module and the flow goes on with it."""
    saved = dump_user_data({"reports.status": StatusDraft(state="away_work")})
    assert saved is not None and "status_steps" not in saved
    monkeypatch.setattr(drafts, "_FLOWS", dict(drafts._FLOWS))  # the registry as it was, after the test
    monkeypatch.setattr(drafts, "_UNION", [])
    source = tmp_path / "status_flow.py"
    shutil.copy(status_steps.__file__, source)
    spec = importlib.util.spec_from_file_location("bot.services.reports.status_flow", source)
    assert spec is not None and spec.loader is not None
    renamed = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, renamed)
    monkeypatch.delitem(sys.modules, status_steps.__name__)  # the old module is gone
    spec.loader.exec_module(renamed)
    [draft] = load_user_data(saved).values()
    assert type(draft) is renamed.StatusDraft and type(draft) is not StatusDraft
    step = renamed.give_location(draft, "浙江义乌", "zh")
    assert step.next == "note" and step.draft.state == "away_work" and step.draft.location == "浙江义乌"


async def _half_done(path: Path, user_id: int, state: int, data: dict[str, Any]) -> None:
    """The /status conversation of `user_id` left at `state` with these stored drafts, as a restart finds it."""
    store = await open_store(path)
    try:
        key = json.dumps([user_id, user_id])
        await store.conversations.save({("status", key): json.dumps(state)}, {user_id: json.dumps(data)})
    finally:
        await store.close()


async def test_after_a_restart_an_old_draft_goes_on_and_a_dropped_one_starts_over(
    harness_factory: Any, tmp_path: Path
) -> None:
    location = 2  # bot.handlers.status.S.LOCATION
    old = {"status": {"$data": "bot.services.status_steps:StatusDraft", "fields": {"location": None, "state": "study"}}}
    await _half_done(tmp_path / "zhibu.sqlite3", MEMBER, location, old)
    newer = {"reports.status": {"$draft": "reports.status", "version": 9, "fields": {"state": "study"}}}
    await _half_done(tmp_path / "zhibu.sqlite3", OTHER, location, newer)
    harness: Harness = await harness_factory()
    member, other = harness.user(MEMBER), harness.user(OTHER)
    await member.send("浙江大学")
    await member.expect("补充")  # the note is asked next: the draft saved by 40c769b went on
    await member.press("跳过")
    await member.expect("已报备：外出求学（浙江大学）")
    await other.send("浙江大学")
    lost = await other.expect("没能保存下来")
    assert "/status" in lost.text
    await other.send("/status")  # the step starts over, from the first question
    await other.expect("请选择")
    rows = await harness.store.db.fetchall("SELECT state, location FROM status_reports ORDER BY id")
    assert [tuple(r) for r in rows] == [("study", "浙江大学")]
