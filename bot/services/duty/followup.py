"""A mediation's follow-up (调解回访) as use cases: the buttons of the reminder (Resolved / Referred record
the new outcome at once; Still ongoing asks the next date) and the next date typed.

Only the post-holder who logged the mediation may answer, checked on every press and again when the
outcome is recorded (a second press, or a press on an old reminder, finds it already recorded).
The reminder itself is the source `bot.services.duty.common.mediation_followups`. No Telegram here.
"""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say
from bot.i18n import t
from bot.services.duty.buttons import DutyFollowup
from bot.services.duty.common import Followup, FollowupChange, record_followup
from bot.services.duty.flow import ONGOING, Draft, Step, Turn
from bot.services.duty.rules import MEDIATION, FieldError, log_points, parse_followup
from bot.services.duty.view import field_error, in_a_week, today
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps


async def pressed(deps: Deps, call: Call, button: DutyFollowup) -> Turn:
    """A follow-up button: refused with an alert unless the mediation is the presser's and still ongoing;
    else the buttons go and the outcome is recorded, or (still ongoing) the next date is asked."""
    actor, lang, log_id, outcome = call.actor, call.lang, button.log_id, button.outcome
    entry = await deps.store.duty.get(log_id)
    member = actor.member
    if entry is not None and entry.post != MEDIATION:  # only a forged payload names another kind of log
        return Turn(Result.of(alert("duty.expired")))
    if entry is None or member is None or entry.member_id != member.id:
        return Turn(Result.of(alert("duty.followup.not_yours")))
    if entry.outcome != ONGOING:
        return Turn(
            Result.of(alert("duty.followup.already", id=entry.id, outcome=t(lang, f"duty.outcome.{entry.outcome}")))
        )
    if outcome == ONGOING:
        return Turn(
            Result.of(say("duty.followup.ask_date", id=entry.id, example=in_a_week(call.now, deps.tz))),
            Step.NEW_DATE,
            Draft(post=MEDIATION, log_id=entry.id),
            strip=True,
        )
    return Turn(_said(await _record(deps, call, FollowupChange(log_id, outcome))), strip=True)


async def next_date(deps: Deps, call: Call, draft: Draft, text: str) -> Turn:
    """The next follow-up date typed after Still ongoing: a day after today, within a year."""
    now, tz = call.now, deps.tz
    try:
        day = parse_followup(text, today(now, tz), after_today=True)
    except FieldError as err:
        return Turn(Result.of(field_error(err, now, tz, call.lang)), Step.NEW_DATE, draft)
    if draft.log_id is None:
        return Turn(Result.of())
    return Turn(_said(await _record(deps, call, FollowupChange(draft.log_id, ONGOING, day))))


def _said(reply: Reply | None) -> Result:
    return Result.of(reply) if reply is not None else Result.of()


async def _record(deps: Deps, call: Call, change: FollowupChange) -> Reply | None:
    """Record the new outcome (and the next date when still ongoing) and say what was recorded."""
    member, lang, day = call.actor.member, call.lang, change.next_on
    result, current = await record_followup(deps.store, member.id if member else 0, change, call.now)
    if current is None:  # logs are never deleted: nothing to answer about
        return None
    if result is Followup.NOT_YOURS:
        return say("duty.followup.not_yours")
    if result is Followup.ALREADY:
        return say("duty.followup.already", id=current.id, outcome=t(lang, f"duty.outcome.{current.outcome}"))
    if day is not None:
        return say("duty.followup.rescheduled", id=current.id, parties=current.parties, date=dates.day(lang, day))
    return say(
        "duty.followup.recorded",
        id=current.id,
        parties=current.parties,
        outcome=t(lang, f"duty.outcome.{current.outcome}"),
        points=log_points(current),
    )
