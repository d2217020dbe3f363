"""The daily digest (docs/PRODUCT.md, "The daily digest"): escalations to secretaries and liaisons are gathered
into one message per person per day, at `DIGEST_TIME` local time (outside quiet hours), grouped by kind, with
names. Urgent alerts (illness, hardship) do not come here: they go at once.

How a capability sends something to the digest instead of on its own: its reminder source (or due source)
returns `Due(message, digest=entry(KIND, name, **params))` — `message` is the `Outgoing` it would have sent
alone (its unique key, the recipient's member id and chat, the full text for the record) — and the sweep
records it, in the same transaction, as a digest item under that key (`bot.store.digest`). `KIND` is a
catalogue prefix of the capability's own catalogue with `<KIND>.title` ({count}: the items, or the sum of their
`count` param when they carry one), `<KIND>.line` ({name} and the params) and optionally `<KIND>.hint`; list it
in `ORDER` to place its group. A plain source doing so is listed before `daily_digests` (chains always run first),
so the digest carries what the same sweep recorded. Read the source's sent-log with `known_keys`. An item may carry
one button (`entry(..., button=Payload(...).pack())`, labelled by `<KIND>.button` with {name}): the digest shows
them under its text, one row each, the first BUTTONS_MAX of them (the six-month reminder's 「办理转出」).

`daily_digests` is a plain reminder source (`bot.services.registry.REMINDER_SOURCES`): from `DIGEST_TIME` on, each
person with waiting items gets one digest keyed `digest:<member>:<local date>`, queued with its items marked
in one transaction. Items recorded after today's digest went wait for tomorrow's.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.config import Settings
from bot.i18n import has, t
from bot.services.kernel.reminders import Due
from bot.store import Store
from bot.store.digest import DigestEntry, DigestItem
from bot.store.outbox import Outgoing

#: A thought report overdue (the day-after escalation to the liaison and the unit's secretaries).
REPORT_OVERDUE = "digest.report_overdue"
#: A mobile member not heard from for 30 days (the liaison's warning).
NO_CONTACT = "digest.no_contact"
#: The order of the groups in a digest; kinds not listed come after, by name.
ORDER: tuple[str, ...] = (REPORT_OVERDUE, NO_CONTACT)
#: Telegram's limit for a message's text; the rest is summarised with a count.
LIMIT = 4096
#: At most this many item buttons under one digest (the rest are reached by their command).
BUTTONS_MAX = 20
#: The param of an item that holds its button's payload (never shown in the line).
BUTTON = "button"


async def known_keys(store: Store, keys: Iterable[str]) -> set[str]:
    """The sent-log of a source whose dues may go to the digest: the keys queued in the outbox or recorded as
    digest items (either way, never again)."""
    wanted = list(keys)
    return await store.outbox.existing_keys(wanted) | await store.digest.recorded_keys(wanted)


def entry(kind: str, name: str, **params: object) -> DigestEntry:
    """How an item is listed: `kind` (a catalogue prefix, see the module), who it is about, the line's other
    placeholders (rendered now, in the recipient's language)."""
    return DigestEntry(kind, name, {k: str(v) for k, v in params.items()})


def digest_key(recipient_id: int, day: date) -> str:
    return f"digest:{recipient_id}:{day.isoformat()}"


def grouped(items: Sequence[DigestItem]) -> list[tuple[str, list[DigestItem]]]:
    """Items by kind, in `ORDER` (others after, by name), each group in the order recorded."""
    groups: dict[str, list[DigestItem]] = defaultdict(list)
    for item in items:
        groups[item.kind].append(item)
    rank = {kind: i for i, kind in enumerate(ORDER)}
    return sorted(groups.items(), key=lambda g: (rank.get(g[0], len(ORDER)), g[0]))


def render(lang: str, day: date, items: Sequence[DigestItem], limit: int = LIMIT) -> str:
    """One digest: a heading, then each group's title, one line per item and its hint. When the text would
    pass `limit`, the lines that do not fit are left out and counted in a last line pointing to /reports."""
    return "\n".join(_layout(lang, day, items, limit)[0])


def _layout(lang: str, day: date, items: Sequence[DigestItem], limit: int) -> tuple[list[str], list[DigestItem]]:
    """The digest's lines and the items whose line is among them (`render`, `buttons`)."""
    head = t(lang, "digest.title", date=t(lang, "digest.date", month=day.month, day=day.day), count=len(items))
    reserve = units(t(lang, "digest.more", count=len(items))) + 2
    lines = [head]
    size = units(head)
    shown: list[DigestItem] = []
    for kind, group in grouped(items):
        title = t(lang, f"{kind}.title", count=sum(_weight(item) for item in group))
        first = _line(lang, group[0])
        if size + units(title) + units(first) + 3 + reserve > limit:
            break
        lines += ["", title]
        size += units(title) + 2
        for item in group:
            line = _line(lang, item)
            if size + units(line) + 1 + reserve > limit:
                break
            lines.append(line)
            size += units(line) + 1
            shown.append(item)
        else:  # the whole group fitted: its hint if there is room, then the next group
            hint = t(lang, f"{kind}.hint") if has(f"{kind}.hint") else ""
            if hint and size + units(hint) + 1 + reserve <= limit:
                lines.append(hint)
                size += units(hint) + 1
            continue
        break  # the list is full: the rest is counted below
    if len(shown) < len(items):
        lines += ["", t(lang, "digest.more", count=len(items) - len(shown))]
    return lines, shown


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji or a rare character counts two); tags count
    too, which only errs on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def _weight(item: DigestItem) -> int:
    """What an item counts for in its group's title: its `count` (one member's several overdue reports), else 1."""
    count = item.params.get("count", "1")
    return int(count) if count.isascii() and count.isdigit() else 1


def _line(lang: str, item: DigestItem) -> str:
    params = {k: v for k, v in item.params.items() if k not in ("name", BUTTON)}
    return t(lang, f"{item.kind}.line", name=item.name, **params)


def buttons(lang: str, day: date, items: Sequence[DigestItem], limit: int = LIMIT) -> list[list[dict[str, str]]] | None:
    """The buttons the items carry, one row each, in the digest's order, for the items whose line the digest shows
    (a line cut by `limit` gets no button: the person would press for someone they cannot read); at most
    `BUTTONS_MAX`; None when none does."""
    rows = [
        [{"text": t(lang, f"{item.kind}.button", name=item.name), "data": item.params[BUTTON]}]
        for item in _layout(lang, day, items, limit)[1]
        if item.params.get(BUTTON)
    ]
    return rows[:BUTTONS_MAX] or None


#: Digests rendered between two turns of the event loop.
_RENDER_CHUNK = 50


async def daily_digests(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """From `DIGEST_TIME` on: one digest for each person with waiting items whose digest of today has not gone
    (before it, nothing is read). A person no longer active keeps their items waiting."""
    local = now.astimezone(settings.tz)
    if local.time() < settings.digest_at:
        return []
    waiting = await store.digest.waiting()
    if not waiting:
        return []
    day = local.date()
    by_recipient: dict[int, list[DigestItem]] = defaultdict(list)
    for item in waiting:
        by_recipient[item.recipient_id].append(item)
    gone = await store.outbox.existing_keys(digest_key(r, day) for r in by_recipient)
    wanted = sorted(r for r in by_recipient if digest_key(r, day) not in gone)
    people = await store.reports.people_index(wanted)
    out = []
    for done, recipient_id in enumerate(wanted):
        if done and done % _RENDER_CHUNK == 0:
            await asyncio.sleep(0)  # built in chunks: a community's digests must not hold the event loop
        person = people.get(recipient_id)
        if person is None:
            continue
        items = by_recipient[recipient_id]
        lang = person.language if person.language in ("zh", "en") else settings.default_language
        out.append(
            Due(
                Outgoing(
                    key=digest_key(recipient_id, day),
                    kind="digest",
                    ref="digest",
                    member_id=recipient_id,
                    chat_id=person.telegram_id if person.telegram_id is not None else items[-1].chat_id,
                    text=render(lang, day, items),
                    buttons=buttons(lang, day, items),
                ),
                includes=tuple(i.id for i in items),
            )
        )
    return out
