"""Duty posts (设岗定责): the words the duty use cases share — months, post names, the minimum line, the
answer to invalid input — rendered in the reader's language. No Telegram here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.results import Reply, say
from bot.i18n import Html, t
from bot.services.duty.rules import (
    DUTY_POSTS,
    MEDIATION,
    PATROL,
    FieldError,
    Month,
)
from bot.store.posts import Post

#: How far ahead the example follow-up date lies.
EXAMPLE_AHEAD = timedelta(days=7)


def today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def in_a_week(now: datetime, tz: ZoneInfo) -> str:
    """The example follow-up date shown with a question or an error."""
    return (today(now, tz) + EXAMPLE_AHEAD).isoformat()


def join_names(names: Sequence[str], lang: str) -> str:
    """As `bot.handlers.common.join_names` (services cannot import handlers)."""
    return ("、" if lang == "zh" else ", ").join(names)


def month_label(lang: str, month: Month) -> str:
    return t(lang, "duty.month", year=month.year, month=month.month)


def post_label(lang: str, post: str) -> str:
    return t(lang, f"duty.post.{post}") if post in DUTY_POSTS else post


def posts_label(lang: str, posts: Iterable[str]) -> str:
    """Patrol and mediation first, then the other posts by name; `none` when there is none."""
    ordered = sorted(posts, key=lambda p: (p not in DUTY_POSTS, DUTY_POSTS.index(p) if p in DUTY_POSTS else 0, p))
    return join_names([post_label(lang, p) for p in ordered], lang) or t(lang, "duty.post.none")


def rule_text(lang: str, post: Post) -> str:
    """A post's monthly minimum in words (巡逻至少 4 次, 环境卫生岗至少 2 条)."""
    if post.key in (PATROL, MEDIATION):
        return t(lang, f"duty.summary.rule_{post.key}", count=post.minimum)
    return t(lang, "duty.summary.rule_post", post=post.name, count=post.minimum)


def minimum_text(lang: str, checks: Sequence[tuple[Post, bool]]) -> str:
    """Whether the month's approved entries reach the minimum of every held post that has one."""
    if not checks:
        return t(lang, "duty.summary.no_minimum")
    rules = Html(join_names([rule_text(lang, post) for post, _ in checks], lang))
    return t(lang, "duty.summary.met" if all(ok for _, ok in checks) else "duty.summary.not_met", rules=rules)


def field_error(err: FieldError, now: datetime, tz: ZoneInfo, lang: str) -> Reply:
    """Invalid input: a message naming the field, with an example of a valid value."""
    example = t(lang, f"duty.example.{err.field}", date=in_a_week(now, tz), month=str(Month.of(now, tz)))
    return say(
        f"duty.err.{err.problem}", field=t(lang, f"duty.field.{err.field}"), value=err.value, example=Html(example)
    )


def chosen(lang: str, question: str, choice: str) -> str:
    """A question with the choice pressed under it (the buttons then go)."""
    return t(lang, "duty.chosen", question=Html(t(lang, question)), choice=choice)
