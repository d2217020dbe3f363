"""Finishing a notice's publish (issue 31): its seats and copies are written a chunk a transaction
(`store.notices.publish_seats`), so a process that stops half-way leaves it publishing. At start-up and at every
sweep, each notice left publishing is published again from its first chunk (a seat or copy already written is
skipped); and once a publish has finished with nothing left to deliver, the secretary's summary is queued (no
delivery will end to trigger it, `broadcast.after_delivery`)."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.notices import audience
from bot.services.notices import text as view
from bot.services.notices.copies import NoticeCopies
from bot.store import Store
from bot.store.notices import Draft
from bot.store.notices_publish import Publication

log = logging.getLogger(__name__)


async def finished(store: Store, settings: Settings, done: Publication) -> int:
    """After a publish: the summary when it finished and none of its copies is still to be delivered (nobody could
    receive it, or every copy went out while the later chunks were written). Once-only by its outbox key, like
    the summary the last delivery queues. Returns how many messages were queued."""
    if not done.finished:
        return 0
    state = await store.notices.broadcast_state(done.notice_id)
    if state is None or state != (False, False):
        return 0
    notice = await store.notices.get(done.notice_id)
    assert notice is not None
    return await store.outbox.enqueue([await view.summary_message(store, notice, settings.tz)])


async def resume(store: Store, settings: Settings) -> int:
    """Publish again every notice left publishing (the process stopped between its chunks), to its audience as
    it is now; returns how many messages were queued."""
    queued = 0
    for notice_id, to_group in await store.notices.still_publishing():
        try:
            queued += await _resume_one(store, settings, notice_id, to_group)
        except Exception:  # one notice that cannot be published must not stop the others, nor the reminders after
            log.exception("notice=%s: publishing could not be resumed; tried again at the next sweep", notice_id)
    return queued


async def _resume_one(store: Store, settings: Settings, notice_id: int, to_group: bool) -> int:
    """One notice left publishing, published to its audience as it is now; how many messages were queued."""
    notice = await store.notices.get(notice_id)
    assert notice is not None
    tree = OrgTree.of(await store.units.all())
    draft = Draft(
        kind=notice.kind,
        unit_id=notice.unit_id,
        starts_at=notice.starts_at,
        place=notice.place,
        topic=notice.topic,
        audience=notice.audience,
        speaker=notice.speaker,
        to_group=to_group,
        mode=notice.mode,
    )
    among = audience.scope(notice.kind, notice.unit_id, tree)
    done = await store.notices.publish_seats(notice_id, notice.unit_id, among, NoticeCopies(draft, tree, settings))
    log.info("notice=%s publish resumed: %s rows queued, finished=%s", notice_id, done.queued, done.finished)
    return done.queued + await finished(store, settings, done)
