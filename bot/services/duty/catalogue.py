"""The catalogue of posts (设岗定责 as data) through `/posts`, which posts a branch uses, and the reviewers a
secretary names. No code change adds a post:

    /posts                                   the catalogue, and how to use /posts
    /posts 新增 名称 | 积分规则 | 每月最低     a new post (what one entry records: what was done, time spent,
                                             people served); 积分规则 `每条2分` or `每条1分+每30分钟1分`;
                                             每月最低 approved entries a month (`0` or `无`: none)
    /posts 修改 名称 | 积分规则 | 每月最低     the same for a post in the catalogue (治安巡逻岗 and 矛盾调解岗 keep
                                             their scoring: write `-` as the rule; their minimum changes)
    /posts 停用 名称                           close a post to new claims (its holders keep it), or open it again
    /posts 不用 名称 / 选用 名称               the secretary's own unit stops using a post (its members are not
                                             offered it, nobody there is given it; holders keep it), or uses it again
    /posts 审核人 姓名                         name a committee member (支委) of a unit you manage a reviewer of
                                             entries, or take it back

The catalogue belongs to the community: 新增, 修改 and 停用 are the community secretary's or an admin's
(`bot.domain.rights.manages_catalogue`); a branch secretary is told so and nothing changes. No Telegram here.
"""

from __future__ import annotations

import logging

from bot.domain.call import Call
from bot.domain.results import Reply, say, shown
from bot.domain.rights import OrgTree, manages_catalogue
from bot.i18n import Html, t
from bot.services.duty.common import catalogue
from bot.services.duty.points import parse_minimum, parse_name, parse_post_line
from bot.services.duty.rules import MEDIATION, PATROL, FieldError
from bot.services.duty.view import join_names
from bot.services.kernel.deps import Deps
from bot.services.members.people import Named, find_managed, unit_label
from bot.store import Store
from bot.store.db import iso
from bot.store.posts import Post

log = logging.getLogger(__name__)

ADD_WORDS = ("新增", "添加", "add")
EDIT_WORDS = ("修改", "edit")
REVIEWER_WORDS = ("审核人", "reviewer")
CLOSE_WORDS = ("停用", "启用", "close", "open")
SKIP_WORDS = ("不用", "skip")
USE_WORDS = ("选用", "use")
CATALOGUE_KINDS = frozenset({"add", "edit", "close"})  # what changes the community's catalogue
KEEP_RULE = ("-", "—", "不变", "keep")


def rule_label(lang: str, post: Post) -> str:
    """A post's points rule in words."""
    if post.form in (PATROL, MEDIATION):
        return t(lang, f"posts.rule.{post.form}")
    if post.per_minutes:
        return t(lang, "posts.rule.minutes", points=post.per_entry, minutes=post.per_minutes)
    return t(lang, "posts.rule.entry", points=post.per_entry)


def minimum_label(lang: str, post: Post) -> str:
    return t(lang, "posts.minimum", count=post.minimum) if post.minimum else t(lang, "posts.no_minimum")


async def show(deps: Deps, call: Call) -> Reply:
    """The catalogue, each post with what an entry records, its rule and its minimum, and whether the actor's
    own unit uses it; then the usage (the catalogue's commands for the community's secretary and admins, the
    branch's choice for a branch secretary). Posts a roster gave members that the catalogue lacked join it
    first (generic, 1 point an entry, no minimum)."""
    store, lang, actor = deps.store, call.lang, call.actor
    await store.duty.posts.adopt(await store.duty.known_posts(), iso(call.now))
    unused = await store.duty.posts.unused(actor.member.unit_id) if actor.member else set()
    tree = OrgTree.of(await store.units.all())
    usage = "posts.catalogue.usage" if manages_catalogue(actor, tree) else "posts.catalogue.usage_branch"
    lines = [
        t(
            lang,
            "posts.catalogue.line",
            n=n,
            name=post.name,
            form=t(lang, f"posts.form.{post.form}"),
            rule=rule_label(lang, post),
            minimum=minimum_label(lang, post),
            closed=(t(lang, "posts.closed_mark") if not post.active else "")
            + (t(lang, "posts.unused_mark") if post.id in unused else ""),
        )
        for n, post in enumerate((await catalogue(store)).posts, 1)
    ]
    return shown("\n".join([t(lang, "posts.catalogue.header", count=len(lines)), *lines, "", t(lang, usage)]))


def command_word(first: str) -> tuple[str, str] | None:
    """(`add` | `edit` | `reviewer` | `close` | `skip` | `use`, the rest) when the first field starts with one of
    their words."""
    word, _, rest = first.strip().partition(" ")
    kinds = (
        ("add", ADD_WORDS),
        ("edit", EDIT_WORDS),
        ("reviewer", REVIEWER_WORDS),
        ("close", CLOSE_WORDS),
        ("skip", SKIP_WORDS),
        ("use", USE_WORDS),
    )
    for kind, words in kinds:
        if word.lower() in words:
            return kind, rest.strip()
    return None


async def manage(deps: Deps, call: Call, kind: str, fields: list[str]) -> Reply:
    """`/posts 新增 …`, `/posts 修改 …`, `/posts 停用 …`, `/posts 不用|选用 …`, `/posts 审核人 …` (fields: the rest
    of the first field, then the others). Changing the catalogue is refused, saying whose it is, to anyone
    but the community's secretary and admins."""
    if kind in CATALOGUE_KINDS and not manages_catalogue(call.actor, OrgTree.of(await deps.store.units.all())):
        log.info("catalogue %s refused to telegram_id=%s", kind, call.actor.telegram_id)
        named = fields[0].strip() if kind != "add" else ""
        return say("posts.catalogue_refused", name=named or t(call.lang, "posts.example_post"))
    if kind == "reviewer":
        return await reviewer(deps, call, fields[0])
    if kind in ("skip", "use"):
        return await use(deps, call, fields[0], kind == "use")
    if kind == "close":
        return await close(deps, call, fields[0])
    try:
        if kind == "add":
            return await _add(deps, call, fields)
        return await _edit(deps, call, fields)
    except FieldError as err:
        return error(err, call.lang)


def error(err: FieldError, lang: str) -> Reply:
    """Invalid input: the message `posts.err.<problem>` naming the field, with an example."""
    return say(
        f"posts.err.{err.problem}",
        field=t(lang, f"posts.field.{err.field}"),
        value=err.value,
        example=Html(t(lang, f"posts.example.{err.field}")),
    )


async def _add(deps: Deps, call: Call, fields: list[str]) -> Reply:
    actor, now, store, lang = call.actor, call.now, deps.store, call.lang
    name, rule = parse_post_line(fields)
    cat = await catalogue(store)
    if cat.find(name) is not None:
        return say("posts.exists", name=name)
    post = await store.duty.posts.add(name, rule.per_entry, rule.per_minutes, rule.minimum, iso(now))
    if post is None:
        return say("posts.exists", name=name)
    log.info("post=%s added by telegram_id=%s", post.id, actor.telegram_id)
    return say("posts.added", name=post.name, rule=rule_label(lang, post), minimum=minimum_label(lang, post))


async def _edit(deps: Deps, call: Call, fields: list[str]) -> Reply:
    actor, store, lang = call.actor, deps.store, call.lang
    if len(fields) != 3:
        raise FieldError("post_line", "form")
    post = (await catalogue(store)).find(parse_name(fields[0]))
    if post is None:
        return say("posts.unknown_post", name=fields[0].strip(), known=Html(await known_names(store, lang)))
    if post.form != "generic":
        if fields[1].strip() not in KEEP_RULE:
            return say("posts.fixed_rule", name=post.name, minimum=post.minimum)
        per_entry, per_minutes, minimum = post.per_entry, post.per_minutes, parse_minimum(fields[2])
    else:
        _, rule = parse_post_line(fields)
        per_entry, per_minutes, minimum = rule.per_entry, rule.per_minutes, rule.minimum
    updated = await store.duty.posts.update(post.id, per_entry, per_minutes, minimum)
    assert updated is not None
    log.info("post=%s edited by telegram_id=%s", post.id, actor.telegram_id)
    return say("posts.edited", name=updated.name, rule=rule_label(lang, updated), minimum=minimum_label(lang, updated))


async def known_names(store: Store, lang: str) -> str:
    return join_names([p.name for p in (await catalogue(store)).posts], lang)


async def reviewer(deps: Deps, call: Call, name: str) -> Reply:
    """Name a committee member of a unit the secretary manages a reviewer, or take it back."""
    actor, now, store = call.actor, call.now, deps.store
    if not name:
        return say("posts.reviewer.usage")
    tree = OrgTree.of(await store.units.all())
    found = await find_managed(store, actor, tree, Named(name))
    if len(found) != 1:
        return say("duty.posts.not_found" if not found else "posts.reviewer.ambiguous", name=name)
    member = found[0]
    if not member.is_committee:
        return say("posts.reviewer.not_committee", name=member.name)
    named = await store.duty.posts.toggle_reviewer(member.id, actor.member.id if actor.member else None, iso(now))
    log.info("member=%s reviewer=%s set by telegram_id=%s", member.id, named, actor.telegram_id)
    return say(
        "posts.reviewer.named" if named else "posts.reviewer.removed", name=member.name, unit=unit_label(tree, member)
    )


async def close(deps: Deps, call: Call, name: str) -> Reply:
    """`/posts 停用 名称`: no new claims of the post (holders keep it and log as before); again to open it."""
    actor, store, lang = call.actor, deps.store, call.lang
    post = (await catalogue(store)).find(name) if name else None
    if post is None:
        return say("posts.unknown_post", name=name, known=Html(await known_names(store, lang)))
    is_open = await store.duty.posts.toggle_active(post.id)
    log.info("post=%s open=%s set by telegram_id=%s", post.id, is_open, actor.telegram_id)
    return say("posts.opened" if is_open else "posts.closed", name=post.name)


async def use(deps: Deps, call: Call, name: str, used: bool) -> Reply:
    """`/posts 不用 名称` / `/posts 选用 名称`: the secretary's own unit stops using a post of the catalogue, or
    uses it again. Holders in the unit keep the post; nobody there is offered it or given it meanwhile."""
    actor, now, store, lang = call.actor, call.now, deps.store, call.lang
    member = actor.member
    if member is None:
        return say("posts.use.no_unit")
    post = (await catalogue(store)).find(name) if name else None
    if post is None:
        return say("posts.unknown_post", name=name, known=Html(await known_names(store, lang)))
    tree = OrgTree.of(await store.units.all())
    changed = await store.duty.posts.set_used(member.unit_id, post.id, used, member.id, iso(now))
    log.info("post=%s used=%s in unit=%s by telegram_id=%s", post.id, used, member.unit_id, actor.telegram_id)
    key = f"posts.use.{'used' if used else 'skipped'}{'' if changed else '_before'}"
    return say(key, name=post.name, unit=tree.name(member.unit_id))
