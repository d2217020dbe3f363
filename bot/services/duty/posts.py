"""`/posts` (设岗定责) as use cases: a secretary sees and changes the duty posts of a member in the units they
manage — by name, in one line, or with the on/off buttons (one per post of the catalogue). The right is
checked on every press: a button names a member by id, and the presser must manage that member's unit now.
`/posts` alone shows the catalogue; `/posts 新增|修改|停用|不用|选用|审核人 …` is `bot.services.duty.catalogue`.
A post the member's unit does not use is neither shown as a switch (unless held) nor given.
No Telegram here."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Buttons, Reply, alert, say
from bot.domain.rights import OrgTree, can_manage
from bot.i18n import t
from bot.services.duty import catalogue as duty_catalogue
from bot.services.duty.buttons import DutyPostSwitch, DutyPostToggle
from bot.services.duty.common import catalogue
from bot.services.duty.points import Catalogue
from bot.services.duty.rules import DUTY_POSTS, DutyPost, parse_posts
from bot.services.duty.view import join_names, post_label, posts_label
from bot.services.kernel.deps import Deps
from bot.services.members.people import Named, find_managed, unit_label

log = logging.getLogger(__name__)


def post_buttons(lang: str, member_id: int, posts: Iterable[str], cat: Catalogue) -> Buttons:
    """A switch per post of `cat`, two to a row (patrol and mediation by their key, as before)."""
    held = set(posts)
    row = []
    for post in cat.posts:
        label = t(
            lang,
            "duty.posts.button_on" if post.key in held else "duty.posts.button_off",
            post=post_label(lang, post.key),
        )
        data = (
            DutyPostToggle(member_id, DutyPost(post.key))
            if post.key in DUTY_POSTS
            else DutyPostSwitch(member_id, post.id)
        ).pack()
        row.append({"text": label, "data": data})
    return [row[i : i + 2] for i in range(0, len(row), 2)]


def _offered(cat: Catalogue, unused: set[int], held: Iterable[str]) -> Catalogue:
    """The posts a member can be given or is holding: the catalogue's, but those their unit does not use
    (unless they hold one)."""
    keep = set(held)
    return Catalogue(tuple(p for p in cat.posts if p.id not in unused or p.key in keep))


def _show(lang: str, tree: OrgTree, member: Member, cat: Catalogue) -> Reply:
    """The member's posts (as `member.posts` has them) with a switch per post of the catalogue."""
    held = set(member.posts)
    return say(
        "duty.posts.show",
        buttons=post_buttons(lang, member.id, held, cat),
        name=member.name,
        unit=unit_label(tree, member),
        posts=posts_label(lang, held),
    )


async def posts(deps: Deps, call: Call, fields: list[str]) -> Reply:
    """`/posts name [| posts [| unit]]`: show the member's posts with the buttons, or set them (`none`
    clears). Only members of the units the actor manages are found. `/posts` alone: the catalogue;
    `/posts 新增|修改|审核人 …`: the catalogue and the reviewers (`bot.services.duty.catalogue`)."""
    actor, store, lang = call.actor, deps.store, call.lang
    name, wanted, hint = [*fields, "", "", ""][:3]
    if not name:
        return await duty_catalogue.show(deps, call)
    managing = duty_catalogue.command_word(name)
    if managing is not None:
        kind, rest = managing
        return await duty_catalogue.manage(deps, call, kind, [rest, *fields[1:]])
    tree = OrgTree.of(await store.units.all())
    found = await find_managed(store, actor, tree, Named(name, hint))
    if not found:
        return say("duty.posts.not_found", name=name)
    if len(found) > 1:
        return say(
            "duty.posts.ambiguous",
            name=name,
            units=join_names([unit_label(tree, m) for m in found], lang),
            example=tree.name(found[0].unit_id),
        )
    member = found[0]
    cat = await catalogue(store)
    unused = await store.duty.posts.unused(member.unit_id)
    if not wanted:
        return _show(lang, tree, member, _offered(cat, unused, member.posts))
    known = {p.key for p in cat.posts}
    chosen, unknown = parse_posts(wanted, known | await store.duty.known_posts())
    if unknown:
        return say("duty.posts.unknown", names=join_names(unknown, lang), known=posts_label(lang, known))
    skipped = [p.name for p in cat.posts if p.id in unused and p.key in chosen - member.posts]
    if skipped:
        return say("posts.use.not_given", names=join_names(skipped, lang), unit=tree.name(member.unit_id))
    await store.duty.set_posts(member.id, chosen)
    log.info("member=%s posts set by telegram_id=%s", member.id, actor.telegram_id)
    return say("duty.posts.updated", name=member.name, unit=unit_label(tree, member), posts=posts_label(lang, chosen))


async def toggle(deps: Deps, call: Call, member_id: int, post: str | int) -> Reply:
    """A post button (`post`: patrol / mediation, or a catalogue post's id): give or take the post, then the
    member's posts with the buttons again (to show in place of the pressed message); an alert and no change
    unless the actor manages the member's unit."""
    actor, store = call.actor, deps.store
    tree = OrgTree.of(await store.units.all())
    target = await store.members.get(member_id)
    cat = await catalogue(store)
    found = next((p for p in cat.posts if p.id == post), None) if isinstance(post, int) else cat.by_key(post)
    if target is None or found is None or not can_manage(actor, target.unit_id, tree):
        return alert("duty.posts.refused")
    unused = await store.duty.posts.unused(target.unit_id)
    if found.id in unused and found.key not in target.posts:
        return alert("posts.use.not_given", names=found.name, unit=tree.name(target.unit_id))
    held = await store.duty.toggle_post(target.id, found.key)
    log.info("member=%s post %s toggled by telegram_id=%s", target.id, found.id, actor.telegram_id)
    return _show(call.lang, tree, target.model_copy(update={"posts": frozenset(held)}), _offered(cat, unused, held))
