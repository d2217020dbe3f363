"""Invite codes for many members at once (`InviteRepo.codes_for`, issue 31 item 5): each member gets what
`code_for` gives them — their oldest unused code, or a new one made once — in one read and one write."""

from __future__ import annotations

from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster


async def test_codes_for_many_are_the_codes_for_each(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    members = [m.id for m in await store.members.unlinked()]
    assert len(members) >= 4
    kept = await store.invites.code_for(members[0])  # an unused code already: kept
    spent = await store.invites.code_for(members[1])
    async with store.db.transaction() as conn:  # a spent code: a new one
        await conn.execute("UPDATE invites SET used_at = '2026-01-01T00:00:00+00:00' WHERE code = ?", (spent,))
        await conn.execute(  # a newer unused code too: the oldest is the one given
            "INSERT INTO invites (code, member_id, created_at) VALUES ('newer', ?, '2999-01-01T00:00:00+00:00')",
            (members[0],),
        )
    codes = await store.invites.codes_for(members)
    assert set(codes) == set(members) and len(set(codes.values())) == len(members)
    assert codes[members[0]] == kept and codes[members[1]] != spent
    assert await store.invites.codes_for(members) == codes  # repeatable: made once
    assert {m: await store.invites.code_for(m) for m in members} == codes
    assert await store.invites.codes_for([]) == {}
