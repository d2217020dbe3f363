"""Minutes from the record: what every step shares — the steps' names, the `Step` a use case returns, where
the conversation stands (`Waiting`), and one step's view of the meeting (`Meeting`: who acts, when, the record),
loaded with the right checked (`meeting`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.resolutions import WRITTEN, kinds_for, threshold, written_limit
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.kernel.deps import Deps
from bot.services.minutes import text
from bot.services.minutes.rules import MinutesDraft
from bot.services.notices.manage import Keeper, find_kept

HOST, RECORDER, CONTENT, MORE, RES_TEXT, RES_VOTES, PREVIEW, RES_KIND, RES_WRITTEN = (
    "host",
    "recorder",
    "content",
    "more",
    "res_text",
    "res_votes",
    "preview",
    "res_kind",
    "res_written",
)


@dataclass(frozen=True)
class Step:
    result: Result
    draft: MinutesDraft | None = None
    state: str | None = None


@dataclass(frozen=True)
class Waiting:
    """Where the conversation stands: the draft kept, and the step (`HOST` … `PREVIEW`) that waits."""

    draft: MinutesDraft
    state: str


def over(*replies: Reply) -> Step:
    return Step(Result.of(*replies))


@dataclass(frozen=True)
class Meeting:
    """One step's view of the meeting: who acts and when (`deps`, `call`), and the meeting's record."""

    deps: Deps
    call: Call
    record: text.Record

    def ask(self, state: str, draft: MinutesDraft) -> Reply:
        """The question of a step (asked first, and again after a refusal or a photo)."""
        lang, notice_id = self.call.lang, draft.notice_id
        if state in (HOST, RECORDER):
            return say(
                f"minutes.ask_{state}", buttons=text.person_buttons(notice_id, state, self.record.present) or None
            )
        if state == MORE:
            return say("minutes.ask_more", count=len(draft.resolutions), buttons=text.more_buttons(lang, notice_id))
        body = self.record.body
        if state == RES_KIND:
            return say("minutes.ask_kind", buttons=text.kind_buttons(lang, notice_id, kinds_for(body.basis)))
        if state == RES_VOTES:
            rule = threshold(draft.pending_kind, body)
            return say(
                "minutes.ask_votes",
                text=draft.pending or "",
                kind=t(lang, f"minutes.res_kind.{draft.pending_kind}"),
                limit=self.record.vote_limit,
                rule=Html(text.threshold_text(lang, rule.rule, rule.needed, draft.pending_kind in WRITTEN)),
            )
        if state == RES_WRITTEN:
            return say(
                "minutes.ask_written", limit=written_limit(body), buttons=text.no_written_buttons(lang, notice_id)
            )
        if state == PREVIEW:
            preview = text.template(lang, self.record, self.deps.tz, draft)
            return shown(preview + "\n\n" + t(lang, "minutes.preview_hint"), text.preview_buttons(lang, notice_id))
        return say(f"minutes.ask_{state}")

    def next(self, state: str, draft: MinutesDraft, *first: Reply) -> Step:
        """Wait in `state` with `draft`: the answers `first` (a refusal, a choice), then its question."""
        return Step(Result.of(*first, self.ask(state, draft)), draft, state)


async def meeting(deps: Deps, call: Call, raw: str) -> Meeting | Reply:
    """The meeting, when the person may keep its minutes and it was held; else the refusal."""
    tree = OrgTree.of(await deps.store.units.all())
    notice = await find_kept(deps.store, Keeper.of(call.actor, tree), raw, "minutes.usage")
    if isinstance(notice, Reply):
        return notice
    if notice.cancelled_at is not None:
        return say("minutes.cancelled", id=notice.id)
    if notice.starts_at > call.now:
        return say("minutes.not_held", id=notice.id)
    return Meeting(deps, call, text.Record(notice, tree, tuple(await deps.store.notices.seats(notice.id))))
