"""Status and thought reports (docs/PRODUCT.md §4, §6): states, validation, who is told, and the reminders.

A mobile member's reminder chain is worked out from the database: the open period and its current stage;
the day-after escalation to liaison and secretary; the 30-day no-contact warning to the liaison
(`member_candidates`). The sweep runs it for the chains whose moment has come (`bot.services.reports.due`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain import periods
from bot.domain.models import Member, MemberState
from bot.domain.periods import mobile_since as mobile_since
from bot.domain.results import Reply
from bot.domain.rights import Actor
from bot.i18n import t
from bot.services.kernel import dates, digest
from bot.services.kernel.reminders import Due
from bot.services.kernel.text import clean_text
from bot.services.reports.buttons import ReportWrite
from bot.services.transfers.buttons import TransferOut
from bot.store import Store
from bot.store.outbox import Outgoing
from bot.store.reports import MobileRow, Person

STATES: tuple[MemberState, ...] = tuple(MemberState)
#: Away from home: the place is asked.
AWAY = frozenset({"away_work", "away_business", "study", "with_children", "medical"})
#: Gone to work or trade: a member who is not mobile is asked whether it is for more than a month.
LEAVING = frozenset({"away_work", "away_business"})
#: The liaison and the secretaries are told at once (外出就医 is an illness too).
ALERTING = frozenset({"ill", "hardship", "medical"})
STATE_WORDS = {
    "home": "home",
    "在家": "home",
    "away_work": "away_work",
    "外出务工": "away_work",
    "务工": "away_work",
    "away_business": "away_business",
    "外出经商": "away_business",
    "经商": "away_business",
    "study": "study",
    "外出求学": "study",
    "求学": "study",
    "外出上学": "study",
    "上学": "study",
    "学习": "study",
    "with_children": "with_children",
    "随子女外住": "with_children",
    "随子女": "with_children",
    "medical": "medical",
    "外出就医": "medical",
    "就医": "medical",
    "ill": "ill",
    "生病": "ill",
    "患病": "ill",
    "hardship": "hardship",
    "困难": "hardship",
    "生活困难": "hardship",
}

MIN_REPORT = 20
MAX_REPORT = 10_000
MAX_FIELD = 200
NO_CONTACT = timedelta(days=30)


class InputError(ValueError):
    """Bad input: `key` names the catalogue message, `params` its values."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def reply(self) -> Reply:
        """The message that explains the mistake."""
        return Reply(key=self.key, params=self.params)


def member_of(person: Actor) -> Member:
    """The roster member behind a member's use case (the commands table lets only members reach it)."""
    if person.member is None:
        raise PermissionError("a member's use case was reached by someone not on the roster")
    return person.member


def parse_state(word: str) -> str:
    state = STATE_WORDS.get(word.strip().lower())
    if state is None:
        raise InputError("status.err.state", value=word.strip()[:40])
    return state


@dataclass(frozen=True)
class StatusInput:
    state: str
    location: str | None
    note: str | None


def check_text(value: str, field: str, required: bool = True) -> str | None:
    value = clean_text(value)
    if not value:
        if required:
            raise InputError(f"status.err.{field}_empty")
        return None
    if len(value) > MAX_FIELD:
        raise InputError(f"status.err.{field}_too_long", limit=MAX_FIELD)
    return value


def parse_status_line(fields: list[str]) -> StatusInput:
    """The one-line form `state | location | note` (location only when away)."""
    state = parse_state(fields[0])
    location = check_text(fields[1], "location", required=state in AWAY) if len(fields) > 1 else None
    if state in AWAY and location is None:
        raise InputError("status.err.location_empty")
    note = check_text(fields[2], "note", required=False) if len(fields) > 2 else None
    if len(fields) > 3:
        raise InputError("status.err.fields")
    return StatusInput(state, location, note)


def check_report(text: str) -> str:
    text = clean_text(text, multiline=True)
    if len(text) < MIN_REPORT:
        raise InputError("report.too_short", length=len(text), minimum=MIN_REPORT)
    if len(text) > MAX_REPORT:
        raise InputError("report.too_long", length=len(text), limit=MAX_REPORT)
    return text


def is_mobile(member: Member) -> bool:
    """A mobile member (流动党员) owes thought reports by a cadence; others may hand one in when they wish."""
    return member.category == "migrant" and member.report_cadence is not None


def report_period(member: Member, submitted: set[str], now: datetime, tz: ZoneInfo) -> periods.OpenPeriod:
    """The period a member's report now goes to: the open period of a mobile member; a 预备党员's quarter (the
    预备期 asks for at least one 思想汇报 a quarter, and the register's chain reminds by quarter); else this month."""
    if member.is_probationary and not is_mobile(member):
        return periods.OpenPeriod(periods.period_of(now.astimezone(tz).date(), periods.QUARTERLY), overdue=False)
    cadence = member.report_cadence or periods.MONTHLY
    since = mobile_since(member.migrant_since, member.mobile_recorded_at, tz) if member.report_cadence else None
    found = periods.open_period(cadence, since, submitted, now, tz) if since else None
    if found is not None:
        return found
    return periods.OpenPeriod(periods.period_of(now.astimezone(tz).date(), cadence), overdue=False)


def alert_recipients(member: Member, liaison: Member | None, secretaries: list[Member]) -> list[Member]:
    """Who is told when a member reports illness or hardship: their liaison and their unit's secretaries."""
    out = {m.id: m for m in secretaries if m.unit_id == member.unit_id and m.id != member.id}
    if liaison is not None and liaison.id != member.id:
        out[liaison.id] = liaison
    return [m for m in out.values() if m.linked and m.telegram_id is not None]


def _lang(language: str | None, settings: Settings) -> str:
    return language if language in ("zh", "en") else settings.default_language


def period_name(label: str, lang: str) -> str:
    """`2026-11` → 2026年11月 / Nov 2026; `2026-Q4` → 2026年第四季度 / Q4 2026."""
    year, rest = label.split("-")
    if rest.startswith("Q"):
        return t(lang, "report.quarter_name", year=year, quarter=t(lang, f"report.q{rest[1]}"))
    return t(lang, "report.month_name", year=year, month=int(rest))


Candidate = tuple[str, Callable[[], Due]]


@dataclass(frozen=True)
class Recipients:
    """Who a chain may tell: the people by member id, and the secretaries' ids by unit."""

    people: Mapping[int, Person]
    secretaries: Mapping[int, Sequence[int]]


def member_candidates(row: MobileRow, recipients: Recipients, now: datetime, settings: Settings) -> list[Candidate]:
    """What one mobile member's chain has due at `now`, sent or not: (key, how to render it) for the
    member's reminder of the open period's stage, the escalation to the liaison and the unit's
    secretaries, and the liaison's no-contact warning. Keys are worked out first so that the sent-log is
    read for many at once and only new ones are rendered."""
    tz, people, secretaries = settings.tz, recipients.people, recipients.secretaries
    candidates: list[Candidate] = []
    since = mobile_since(row.migrant_since, row.recorded_at, tz)
    open_ = periods.open_period(row.cadence, since, set(row.periods), now, tz)
    if open_ is not None:
        label = open_.period.label
        stage = periods.member_stage(open_, now, tz, settings.report_reminder_days_before)
        if stage is not None and row.linked and row.telegram_id is not None:
            candidates.append(
                (f"report:{stage.name}:{row.id}:{label}", partial(_member_reminder, row, open_, stage.name, settings))
            )
        owed = periods.owed(row.cadence, since, set(row.periods), now.astimezone(tz).date())
        if periods.escalation_due(open_, now, tz) and owed is not None:
            told = {i for i in (row.liaison_id, *secretaries.get(row.unit_id, [])) if i is not None}
            for recipient_id in sorted(told - {row.id}):
                person = people.get(recipient_id)
                if person is not None and person.reachable:
                    candidates.append(
                        (
                            f"report:escalate:{person.id}:{row.id}:{label}",
                            partial(_escalation, row, owed, person, settings),
                        )
                    )
    moment = periods.transfer_moment(since, tz)
    if since is not None and moment is not None and now >= moment:
        for secretary_id in sorted(set(secretaries.get(row.unit_id, [])) - {row.id}):
            person = people.get(secretary_id)
            if person is not None and person.reachable:
                candidates.append(
                    (
                        f"mobile:transfer:{person.id}:{row.id}:{since.isoformat()}",
                        partial(_transfer, row, periods.Away.on(since, now.astimezone(tz).date()), person, settings),
                    )
                )
    liaison = people.get(row.liaison_id) if row.liaison_id is not None else None
    last = last_touch(row, since, tz)
    if liaison is not None and liaison.reachable and last is not None and now - last >= NO_CONTACT:
        spell = (now - last) // NO_CONTACT
        candidates.append(
            (
                f"contact:stale:{liaison.id}:{row.id}:{last.date().isoformat()}:{spell}",
                partial(_no_contact, row, liaison, (now - last).days, settings),
            )
        )
    return candidates


def by_unit(secretaries: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """(member id, unit id) of secretaries → unit id → their ids."""
    out: dict[int, list[int]] = defaultdict(list)
    for member_id, unit_id in secretaries:
        out[unit_id].append(member_id)
    return out


def rendered(candidates: Sequence[Candidate], known: set[str]) -> list[Due]:
    """The candidates not in the sent-log (`known`), rendered, in order."""
    out = []
    for key, build in candidates:
        if key not in known:
            due = build()
            out.append(replace(due, message=replace(due.message, key=key)))
    return out


async def report_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """Thought-report reminders, escalations and no-contact warnings due now and not yet sent, for every
    mobile member at once. A full look, O(members): the sweep looks only at the chains whose moment has
    come (`bot.services.reports.due`), which must send exactly what this finds."""
    rows = await store.reports.mobile_members(since_year=now.astimezone(settings.tz).year - 1)
    if not rows:
        return []
    people = await store.reports.people_index()
    secretaries = by_unit(await store.reports.secretaries())
    recipients = Recipients(people, secretaries)
    candidates = [c for row in rows for c in member_candidates(row, recipients, now, settings)]
    return rendered(candidates, await digest.known_keys(store, (key for key, _ in candidates)))


def _deadline_text(open_: periods.OpenPeriod, settings: Settings, lang: str) -> str:
    return dates.moment_in(lang, periods.deadline(open_.period, settings.tz), settings.tz)


def last_touch(row: MobileRow, since: date | None, tz: ZoneInfo) -> datetime | None:
    """When the member was last heard from (a report, a status, a contact), or left (since, at midnight)."""
    touches = [x for x in (row.last_touch,) if x is not None]
    if since is not None:
        touches.append(datetime.combine(since, datetime.min.time(), tzinfo=tz))
    return max(touches) if touches else None


def _member_reminder(row: MobileRow, open_: periods.OpenPeriod, stage: str, settings: Settings) -> Due:
    assert row.telegram_id is not None
    lang = _lang(row.language, settings)
    label = open_.period.label
    text = t(
        lang,
        f"report.remind_{stage.split('-')[0]}",
        period=period_name(label, lang),
        deadline=_deadline_text(open_, settings, lang),
    )
    return Due(
        Outgoing(
            key="",
            kind="reminder",
            ref=f"report:{label}",
            member_id=row.id,
            chat_id=row.telegram_id,
            text=text,
            buttons=[[{"text": t(lang, "report.button_write"), "data": ReportWrite().pack()}]],
        )
    )


def _escalation(row: MobileRow, owed: periods.Owed, person: Person, settings: Settings) -> Due:
    """The day after a missed deadline the liaison and the secretaries are told: in the digest, one line per
    member with every report they owe (「2025年5月至2026年10月，共 18 份」), the group counting reports."""
    assert person.telegram_id is not None
    lang = _lang(person.language, settings)
    label, tz = owed.last.label, settings.tz
    period, deadline = period_name(label, lang), dates.moment_in(lang, periods.deadline(owed.last, tz), tz)
    if owed.count > 1:
        first = period_name(owed.first.label, lang)
        period = t(lang, "report.overdue_span", first=first, last=period, count=owed.count)
    return Due(
        Outgoing(
            key="",
            kind="alert",
            ref=f"report:{label}",
            member_id=person.id,
            chat_id=person.telegram_id,
            text=t(lang, "report.escalate", name=row.name, period=period, deadline=deadline),
        ),
        digest=digest.entry(digest.REPORT_OVERDUE, row.name, period=period, deadline=deadline, count=owed.count),
    )


def _no_contact(row: MobileRow, liaison: Person, days: int, settings: Settings) -> Due:
    """The liaison is reminded after 30 days without a logged contact, report or status from the member."""
    assert liaison.telegram_id is not None
    lang = _lang(liaison.language, settings)
    return Due(
        Outgoing(
            key="",
            kind="reminder",
            ref="contact",
            member_id=liaison.id,
            chat_id=liaison.telegram_id,
            text=t(lang, "contact.remind", name=row.name, days=days),
        ),
        digest=digest.entry(digest.NO_CONTACT, row.name, days=days),
    )


def _transfer(row: MobileRow, away: periods.Away, secretary: Person, settings: Settings) -> Due:
    """Six months away or more: the secretary is reminded once to consider transferring the organisational relation,
    told how long the member has been away (19 months for one registered long after leaving, say), in the daily
    digest with the button 「办理转出」 that begins the 转出 (`bot.services.transfers.out_steps`)."""
    assert secretary.telegram_id is not None
    lang = _lang(secretary.language, settings)
    since = dates.day_year(lang, away.since)
    begin = TransferOut(row.id).pack()
    return Due(
        Outgoing(
            key="",
            kind="reminder",
            ref=f"mobile:{row.id}",
            member_id=secretary.id,
            chat_id=secretary.telegram_id,
            text=t(lang, "mobile.transfer", name=row.name, since=since, months=away.months),
            buttons=[[{"text": t(lang, "mobile.button_transfer"), "data": begin}]],
        ),
        digest=digest.entry(TRANSFER_DIGEST, row.name, since=since, months=away.months, button=begin),
    )


#: The six-month transfer reminder's group in the daily digest (its title, line, hint and button:
#: locales/*/mobile.toml).
TRANSFER_DIGEST = "mobile.digest_transfer"
