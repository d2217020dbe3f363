"""Minutes from the record, as text: the template prefilled from the record (type, time, place, topic or a
党课's 主题 and 授课人, 应到/实到/请假/缺席 with names, whether a vote may be held), what the secretary filled
in so far, and the buttons of each step. Values are escaped by `t()`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.resolutions import (
    COMMITTEE,
    ORDINARY,
    PRESENT,
    VOTERS,
    WRITTEN,
    Body,
    Decision,
    ResolutionKind,
    decide,
    more_than_four_fifths,
)
from bot.domain.results import Buttons
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.minutes.buttons import (
    MinutesAdd,
    MinutesContentDone,
    MinutesDone,
    MinutesDrop,
    MinutesKind,
    MinutesNoWritten,
    MinutesPerson,
    MinutesRedo,
    MinutesSave,
)
from bot.services.minutes.rules import DraftResolution, MinutesDraft, MinutesRole
from bot.services.notices import ledger
from bot.services.notices import text as view
from bot.services.notices.audience import VOTING
from bot.store.minutes import Minutes, Resolution
from bot.store.notices import Notice
from bot.store.notices_seats import MeetingSeat

PERSON_BUTTONS = 30  # members present beyond these are typed by name (a message keeps few buttons)


@dataclass(frozen=True)
class Record:
    """What the record says of a meeting that was held: the notice, its units, everyone expected."""

    notice: Notice
    tree: OrgTree
    everyone: tuple[MeetingSeat, ...]

    @property
    def present(self) -> list[MeetingSeat]:
        return [s for s in self.everyone if s.present]

    @property
    def quorum(self) -> ledger.Quorum | None:
        return ledger.quorum(self.notice, self.everyone)

    @property
    def vote_limit(self) -> int:
        """How many may vote at most: present with a vote (or on the committee) where a quorum counts, else 实到."""
        counted = self.quorum
        return counted.present if counted is not None else len(self.present)

    @property
    def body(self) -> Body:
        """Who decides at this meeting (`bot.domain.resolutions`): members with a vote (支部党员大会), the committee
        (支委会, 党委会) or those present (other meetings)."""
        counted = self.quorum
        if counted is None:
            return Body(PRESENT, len(self.everyone), len(self.present))
        return Body(VOTERS if self.notice.kind in VOTING else COMMITTEE, counted.expected, counted.present)

    @property
    def is_election(self) -> bool:
        """A 支部党员大会 whose agenda is an election (选举, 换届): the election rule's quorum is stated."""
        return self.notice.kind in VOTING and any(word in self.notice.topic for word in ELECTION_WORDS)


#: Words of a 支部党员大会's topic that make it an election meeting.
ELECTION_WORDS = ("选举", "换届", "补选", "election")


@dataclass(frozen=True)
class Outcome:
    """A resolution's outcome as shown: 通过 or not, and what it needed."""

    passed: bool
    rule: str
    needed: int
    written: bool


def outcome(item: DraftResolution | Resolution, record: Record) -> Outcome | None:
    """The outcome of a saved resolution as it was judged, or of a draft one against the record now."""
    if isinstance(item, Resolution):
        if item.passed is None or item.rule is None or item.needed is None:
            return None
        return Outcome(item.passed, item.rule, item.needed, item.kind in WRITTEN)
    decided = decide(item.kind, record.body, item.votes, item.opinions)
    if not isinstance(decided, Decision):
        return None
    return Outcome(decided.passed, decided.threshold.rule, decided.threshold.needed, item.kind in WRITTEN)


def threshold_text(lang: str, rule: str, needed: int, written: bool) -> str:
    """须超过应到会有表决权党员半数，至少 13 票 (and whether written opinions count)."""
    text = t(lang, f"minutes.rule.{rule}", needed=needed)
    return text + t(lang, "minutes.rule.written") if written else text


def resolution_line(lang: str, number: int, item: DraftResolution | Resolution, record: Record) -> str:
    """1. 同意……（预备党员转正）：赞成 7 票，反对 0 票，弃权 6 票 —— 未通过（须超过……，至少 13 票）."""
    written = (
        (item.written_yes, item.written_no, item.written_abstain) if isinstance(item, Resolution) else item.written
    )
    kind = "" if item.kind == ORDINARY else t(lang, "minutes.kind_tag", kind=t(lang, f"minutes.res_kind.{item.kind}"))
    line = t(
        lang,
        "minutes.resolution",
        number=number,
        text=item.text,
        kind=Html(kind),
        yes=item.yes,
        no=item.no,
        abstain=item.abstain,
    )
    if any(written):
        line += t(lang, "minutes.written", yes=written[0], no=written[1], abstain=written[2])
    judged = outcome(item, record)
    if judged is not None:
        line += t(
            lang,
            f"minutes.outcome.{'passed' if judged.passed else 'failed'}",
            rule=threshold_text(lang, judged.rule, judged.needed, judged.written),
        )
    return line


def _quorum_line(lang: str, record: Record) -> str | None:
    counted = record.quorum
    if counted is None:
        return None
    group = "voters" if record.notice.kind in VOTING else "committee"
    return t(
        lang,
        f"notice.att.quorum_{group}_{'yes' if counted.met else 'no'}",
        expected=counted.expected,
        present=counted.present,
    )


def template(lang: str, record: Record, tz: ZoneInfo, draft: MinutesDraft | Minutes | None = None) -> str:
    """The minutes: the record's part, then the fields filled in (or still blank)."""
    notice, everyone = record.notice, record.everyone
    lines = [
        t(lang, "minutes.head", id=notice.id),
        t(
            lang,
            "minutes.kind",
            kind=view.kind_name(lang, notice.kind),
            unit=view.unit_name(record.tree, record.tree.units.get(notice.unit_id)),
        ),
        t(lang, "minutes.when", when=view.when(lang, notice.starts_at, tz)),
        t(lang, "minutes.place", place=notice.place),
    ]
    if notice.backfilled_at is not None:  # 补录 (issue 23): who entered it, when, why
        day = notice.backfilled_at.astimezone(tz).date().isoformat()
        lines.append(t(lang, "backfill.mark", by=notice.backfiller or "—", at=day, reason=notice.backfill_reason or ""))
    if notice.kind == "lecture":
        lines.append(t(lang, "minutes.theme", topic=notice.topic))
        lines.append(t(lang, "minutes.speaker", speaker=notice.speaker or "—"))
    else:
        lines.append(t(lang, "minutes.topic", topic=notice.topic))
    lines.append(ledger.tally(lang, everyone))
    absent = [s.name for s in everyone if not s.present and not s.on_leave]
    for key, group in (
        ("present", [s.name for s in record.present]),
        ("leave", [s.name for s in everyone if s.on_leave]),
        ("absent", absent),
    ):
        if group:
            lines.append(t(lang, f"minutes.names_{key}", names=view.names(lang, group)))
    quorum = _quorum_line(lang, record)
    if quorum:
        lines.append(quorum)
    if record.is_election:
        body = record.body
        needed = more_than_four_fifths(body.expected)
        lines.append(
            t(
                lang,
                f"minutes.election_quorum_{'yes' if body.present >= needed else 'no'}",
                expected=body.expected,
                present=body.present,
                needed=needed,
            )
        )
    if draft is not None:
        lines.append("")
        lines.append(t(lang, "minutes.host", name=draft.host or "—"))
        lines.append(t(lang, "minutes.recorder", name=draft.recorder or "—"))
        lines.append(t(lang, "minutes.content", text=draft.content or "—"))
        voice = draft.voice_seconds if isinstance(draft, Minutes) else (draft.voice[1] if draft.voice else None)
        if voice is not None:
            lines.append(t(lang, "minutes.content_voice_line", seconds=voice))
        if draft.resolutions:
            lines.append(t(lang, "minutes.resolutions"))
            items: Sequence[DraftResolution | Resolution] = draft.resolutions
            for number, item in enumerate(items, 1):
                lines.append(resolution_line(lang, number, item, record))
    if isinstance(draft, Minutes):
        lines.append(t(lang, "minutes.saved_by", name=draft.saved_by or "—", when=view.when(lang, draft.saved_at, tz)))
    return "\n".join(lines)


def person_buttons(notice_id: int, role: str, present: Sequence[MeetingSeat]) -> Buttons:
    shown = [
        {"text": s.name, "data": MinutesPerson(notice_id, MinutesRole(role), s.member_id).pack()}
        for s in present[:PERSON_BUTTONS]
    ]
    return [shown[i : i + 3] for i in range(0, len(shown), 3)]


def more_buttons(lang: str, notice_id: int) -> Buttons:
    return [
        [
            {"text": t(lang, "minutes.btn_add"), "data": MinutesAdd(notice_id).pack()},
            {"text": t(lang, "minutes.btn_done"), "data": MinutesDone(notice_id).pack()},
        ]
    ]


def content_buttons(lang: str, notice_id: int) -> Buttons:
    return [[{"text": t(lang, "minutes.btn_content_done"), "data": MinutesContentDone(notice_id).pack()}]]


def kind_buttons(lang: str, notice_id: int, kinds: Sequence[ResolutionKind]) -> Buttons:
    shown = [{"text": t(lang, f"minutes.res_kind.{k}"), "data": MinutesKind(notice_id, k).pack()} for k in kinds]
    return [shown[i : i + 2] for i in range(0, len(shown), 2)]


def no_written_buttons(lang: str, notice_id: int) -> Buttons:
    return [[{"text": t(lang, "minutes.btn_no_written"), "data": MinutesNoWritten(notice_id).pack()}]]


def preview_buttons(lang: str, notice_id: int) -> Buttons:
    return [
        [
            {"text": t(lang, "minutes.btn_save"), "data": MinutesSave(notice_id).pack()},
            {"text": t(lang, "minutes.btn_drop"), "data": MinutesDrop(notice_id).pack()},
        ]
    ]


def redo_buttons(lang: str, notice_id: int) -> Buttons:
    return [[{"text": t(lang, "minutes.btn_redo"), "data": MinutesRedo(notice_id).pack()}]]
