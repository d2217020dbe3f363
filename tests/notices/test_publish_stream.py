"""Publishing a notice streams its recipients from a cursor in chunks (issue 31): the same expected members and
copies as the pure rule (`audience.expected`) over every member, for every type and unit; a chunk a transaction:
a publish that stops half-way is left publishing, and publishing it again seats and queues each recipient once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.rights import OrgTree
from bot.services.notices import audience, compose
from bot.services.notices.text import NAMES_SHOWN
from bot.store import Store, notices_publish
from bot.store.notices import Draft
from bot.store.notices_publish import Convener, Recipient
from bot.store.outbox import Outgoing
from tests.support.dataset import dataset
from tests.support.db import open_store

END = datetime(2026, 11, 20, 12, tzinfo=UTC)
BY = Convener(1, 1001, "zh", END)


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 000 members in two branches, with committee seats (of their own unit and of the community's 党委), an
    activity group, probationary and English-speaking members added."""
    path = tmp_path_factory.mktemp("publish") / "community.sqlite3"
    dataset().build(path, members=2_000, months=1, end=END)
    return path


@pytest.fixture
async def opened(community: Path, tmp_path: Path) -> AsyncIterator[Store]:
    copy = tmp_path / "community.sqlite3"
    copy.write_bytes(community.read_bytes())
    store = await open_store(copy)
    conn = store.db.conn
    branch = (await store.db.fetchone("SELECT id FROM units WHERE kind = 'branch' ORDER BY id LIMIT 1"))[0]
    top = (await store.db.fetchone("SELECT id FROM units WHERE kind = 'committee' ORDER BY id LIMIT 1"))[0]
    await conn.execute(
        "INSERT INTO units (parent_id, kind, name, activity) VALUES (?, 'group', '物业服务党小组', 1)", (top,)
    )
    await conn.execute(
        "UPDATE members SET activity_group_id = (SELECT id FROM units WHERE activity = 1) WHERE id % 37 = 0"
    )
    await conn.execute("UPDATE members SET language = 'en' WHERE id % 11 = 0")
    await conn.execute("UPDATE members SET membership = 'probationary' WHERE id % 13 = 0")
    for member_id, unit, office in [(3, branch, "secretary"), (40, branch, "member"), (41, top, "member")]:
        await conn.execute(
            "INSERT OR REPLACE INTO committee_seats (unit_id, member_id, office) VALUES (?, ?, ?)",
            (unit, member_id, office),
        )
    await conn.execute("INSERT OR REPLACE INTO committee_seats VALUES (?, ?, 'secretary')", (top, 3))
    yield store
    await store.close()


@pytest.fixture(autouse=True)
def chunks_of_500(monkeypatch: pytest.MonkeyPatch) -> None:
    """500 recipients a chunk: a notice to the 2 000 members is published in several transactions."""
    monkeypatch.setattr(notices_publish, "_CHUNK", 500)


class Worded:
    """Copies as the service makes them: one per recipient (in their language), then one for a group."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.chunks = 0

    def of(self, notice_id: int, recipients: Sequence[Recipient]) -> Iterable[Outgoing]:
        self.chunks += 1
        if self.fail_at == self.chunks:
            raise RuntimeError("the machine stops half-way")
        for member_id, chat_id, language in recipients:
            yield Outgoing(
                key=f"notice:{notice_id}:{member_id}",
                kind="notice",
                chat_id=chat_id,
                member_id=member_id,
                ref=f"notice:{notice_id}",
                text=f"notice in {language or 'zh'}",
                buttons=[[{"text": "ok", "data": "x"}]],
            )

    def rest(self, notice_id: int) -> Iterable[Outgoing]:
        ref = f"notice:{notice_id}"
        yield Outgoing(key=f"{ref}:group", kind="notice", chat_id=-100, ref=ref, text="g")


def _draft(kind: str, unit_id: int) -> Draft:
    return Draft(kind=kind, unit_id=unit_id, starts_at=END + timedelta(days=2), place="村委会", topic="学习")


async def _cases(store: Store) -> list[tuple[str, int]]:
    tree = OrgTree.of(await store.units.all())
    return [
        (kind, unit.id)
        for unit in tree.units.values()
        for kind in audience.KINDS
        if audience.fits(kind, unit) and (unit.kind != "group" or unit.id % 4 == 0)  # a few groups of the many
    ]


async def test_the_streamed_publish_seats_and_queues_what_the_rule_expects(opened: Store) -> None:
    tree = OrgTree.of(await opened.units.all())
    everyone = await opened.members.all()
    cases = await _cases(opened)
    assert {kind for kind, _ in cases} == set(audience.KINDS)
    for kind, unit_id in cases:
        draft = _draft(kind, unit_id)
        done = await opened.notices.publish_to(draft, BY, audience.scope(kind, unit_id, tree), Worded())
        rule = audience.expected(kind, unit_id, tree, everyone)
        seats = await opened.db.fetchall_tuples(
            "SELECT member_id, linked, votes, committee FROM notice_members WHERE notice_id = ? ORDER BY member_id",
            (done.notice_id,),
        )
        wanted = sorted((m.id, int(m.linked), int(m.votes), int(m.sits_on(unit_id))) for m in rule)
        assert seats == wanted, (kind, unit_id)
        copies = await opened.db.fetchall_tuples(
            "SELECT member_id, chat_id, text, buttons FROM outbox WHERE ref = ? ORDER BY id",
            (f"notice:{done.notice_id}",),
        )
        linked = sorted((m for m in rule if m.linked), key=lambda m: (m.unit_id, m.id))
        assert [c[:3] for c in copies[:-1]] == [
            (m.id, m.telegram_id, f"notice in {m.language or 'zh'}") for m in linked
        ], (kind, unit_id)
        assert copies[-1][:3] == (None, -100, "g")
        assert {c[3] for c in copies[:-1]} <= {'[[{"text": "ok", "data": "x"}]]'}
        assert (done.recipients, done.queued) == (len(linked), len(linked) + 1)
    assert any(kind == "party_committee" for kind, _ in cases)


async def test_a_notice_to_everyone_lets_the_loop_go_between_chunks(opened: Store) -> None:
    tree = OrgTree.of(await opened.units.all())
    top = min(u.id for u in tree.units.values() if u.kind == "committee")
    loop, turns = asyncio.get_running_loop(), 0
    ticker: asyncio.Handle | None = None

    def tick() -> None:  # runs once per turn of the loop: counts the turns the publish lets go
        nonlocal turns, ticker
        turns += 1
        ticker = loop.call_soon(tick)

    ticker = loop.call_soon(tick)
    copies = Worded()
    done = await opened.notices.publish_to(_draft("other", top), BY, audience.scope("other", top, tree), copies)
    ticker.cancel()
    assert done.recipients > 1000 and copies.chunks >= 4
    assert turns >= copies.chunks


async def test_a_publish_stopped_after_a_chunk_is_left_publishing_and_a_rerun_seats_and_queues_each_once(
    opened: Store,
) -> None:
    tree = OrgTree.of(await opened.units.all())
    top = min(u.id for u in tree.units.values() if u.kind == "committee")
    among = audience.scope("other", top, tree)
    with pytest.raises(RuntimeError, match="half-way"):
        await opened.notices.publish_to(_draft("other", top), BY, among, Worded(fail_at=3))
    notice_id = (await opened.db.fetchone("SELECT max(id) FROM notices"))[0]
    ref = f"notice:{notice_id}"
    assert await opened.notices.still_publishing() == [(notice_id, True)]
    assert await opened.notices.broadcast_state(notice_id) == (False, True)  # no summary while publishing
    seated = (await opened.db.fetchone("SELECT count(*) FROM notice_members WHERE notice_id = ?", (notice_id,)))[0]
    half = (await opened.db.fetchone("SELECT count(*) FROM outbox WHERE ref = ?", (ref,)))[0]
    assert seated == 2 * 500 and 0 < half < seated  # two chunks committed, the third rolled back
    assert await opened.db.fetchone("SELECT 1 FROM outbox WHERE key = ?", (f"{ref}:group",)) is None
    # what reads its seats skips it meanwhile: attendance's latest notice, the missed-summary check, a member's own
    assert notice_id not in [n.id for n in await opened.notices.unsummarised(END - timedelta(days=1))]
    latest = await opened.notices.latest_in([top])
    assert latest is None or latest.id != notice_id
    member = (await opened.db.fetchone("SELECT min(member_id) FROM notice_members WHERE notice_id = ?", (notice_id,)))[
        0
    ]
    assert notice_id not in [n.id for n in await opened.notices.upcoming_for(member, END)]
    await opened.db.conn.execute("UPDATE outbox SET status = 'sent' WHERE ref = ?", (ref,))
    await opened.db.conn.commit()
    assert await opened.notices.first_unfinished(notice_id) is not None  # every copy so far sent: not over yet
    done = await opened.notices.publish_seats(notice_id, top, among, Worded())
    assert done.finished and await opened.notices.still_publishing() == []
    latest = await opened.notices.latest_in([top])
    assert latest is not None and latest.id == notice_id
    assert notice_id in [n.id for n in await opened.notices.upcoming_for(member, END)]
    keys = await opened.db.fetchall_tuples(
        "SELECT key, count(*) FROM outbox WHERE ref = ? GROUP BY key HAVING count(*) > 1", (ref,)
    )
    queued = (await opened.db.fetchone("SELECT count(*) FROM outbox WHERE ref = ?", (ref,)))[0]
    assert keys == [] and queued == half + done.queued == done.recipients + 1 > 1000
    rule = audience.expected("other", top, tree, await opened.members.all())
    seats = await opened.db.fetchall_tuples(
        "SELECT member_id FROM notice_members WHERE notice_id = ? ORDER BY member_id", (notice_id,)
    )
    assert [s[0] for s in seats] == sorted(m.id for m in rule)
    again = await opened.notices.publish_seats(notice_id, top, among, Worded())
    assert not again.finished and again.queued == 0  # published: nothing to resume


async def test_a_notice_cancelled_while_publishing_stops_at_its_next_chunk(opened: Store) -> None:
    tree = OrgTree.of(await opened.units.all())
    top = min(u.id for u in tree.units.values() if u.kind == "committee")
    among = audience.scope("other", top, tree)
    with pytest.raises(RuntimeError, match="half-way"):
        await opened.notices.publish_to(_draft("other", top), BY, among, Worded(fail_at=2))
    notice_id = (await opened.db.fetchone("SELECT max(id) FROM notices"))[0]
    await opened.db.conn.execute("UPDATE notices SET cancelled_at = ? WHERE id = ?", (END.isoformat(), notice_id))
    await opened.db.conn.commit()
    done = await opened.notices.publish_seats(notice_id, top, among, Worded())
    assert not done.finished and (done.recipients, done.queued) == (0, 0)
    assert await opened.notices.still_publishing() == []  # not resumed again
    seated = (await opened.db.fetchone("SELECT count(*) FROM notice_members WHERE notice_id = ?", (notice_id,)))[0]
    assert seated == 500


async def test_the_preview_counts_in_sql_what_send_then_publishes(opened: Store) -> None:
    """The preview's figures (`compose.reach`: counted in SQL) are those of the members read as models, and Send
    seats and queues exactly that many, for every meeting type and unit."""
    tree = OrgTree.of(await opened.units.all())
    big = 0
    for kind, unit_id in await _cases(opened):
        counted = await compose.reach(opened, tree, kind, unit_id)
        as_models = compose.counted(await compose.expected_at(opened, tree, kind, unit_id))
        shown = min(len(as_models.unregistered), NAMES_SHOWN)
        assert counted[:2] == as_models[:2] and counted[3:5] == as_models[3:5], (kind, unit_id)
        assert counted.unregistered[:shown] == as_models.unregistered[:shown], (kind, unit_id)
        assert list(counted.silent) == list(as_models.silent[: len(counted.silent)]), (kind, unit_id)
        done = await opened.notices.publish_to(_draft(kind, unit_id), BY, audience.scope(kind, unit_id, tree), Worded())
        seats = await opened.db.fetchone(
            "SELECT count(*), coalesce(sum(e.linked), 0), coalesce(sum(NOT e.votes AND m.membership = ?), 0), "
            "coalesce(sum(NOT e.votes), 0) FROM notice_members e JOIN members m ON m.id = e.member_id "
            "WHERE e.notice_id = ?",
            ("probationary", done.notice_id),
        )
        published = (seats[0], seats[1], seats[2], seats[3] - seats[2])
        assert (counted.expected, counted.linked, counted.probationary, counted.elsewhere) == published, (kind, unit_id)
        assert counted.linked == done.recipients
        big = max(big, counted.expected - counted.linked)
    assert big > NAMES_SHOWN  # some preview names only the first of those who cannot receive it
