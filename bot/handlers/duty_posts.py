"""设岗定责 as data in Telegram: `/claim` (认领岗位) and the secretary's 准 / 不准, `/review` with its buttons
(approve one, a page, a month; reject with a reason typed next), `/account` and the quarterly prompt's
button (the account typed or spoken next), `/accounts`, `/rate`, and 发布到群 of a 公示 previewed before
`/publicity` became 党务公开. Telegram in and out only: the use cases are `bot.services.duty.claims`,
`duty_review`, `duty_accounts` and `duty_publicity`. Registered by `bot.handlers.duty`, before the duty catch-all."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.results import Result, say
from bot.handlers import conversation
from bot.handlers.common import (
    args_text,
    call,
    command,
    deps,
    render,
    split_fields,
)
from bot.handlers.pages import show_page
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.duty import accounts as duty_accounts
from bot.services.duty import claims as duty_claims
from bot.services.duty import publicity as duty_publicity
from bot.services.duty import review as duty_review
from bot.services.duty.accounts import AccountDraft
from bot.services.duty.buttons import (
    DutyAccountsPage,
    DutyAccountWrite,
    DutyApprove,
    DutyApproveMonth,
    DutyApproveRange,
    DutyClaim,
    DutyClaimDecide,
    DutyPublish,
    DutyPublishDrop,
    DutyReject,
    DutyReviewPage,
)
from bot.services.duty.points import Quarter
from bot.services.duty.review import RejectDraft

END = ConversationHandler.END
REASON, ACCOUNT = 101, 102
NOT_TEXT = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND


def _data(update: Update) -> object:
    return update.callback_query.data if update.callback_query else None


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message else ""


# 认领岗位 -------------------------------------------------------------------------------------------------


@command("claim")
async def cmd_claim(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await duty_claims.menu(deps(context), call(context)))


async def on_claim(update: Update, context: ZhibuContext) -> None:
    payload = DutyClaim.unpack(_data(update))
    if payload is None:
        return
    await render(
        update,
        context,
        await duty_claims.ask(deps(context), call(context), payload.post_id),
    )


async def on_claim_decided(update: Update, context: ZhibuContext) -> None:
    payload = DutyClaimDecide.unpack(_data(update))
    if payload is None:
        return
    result = await duty_claims.decide(deps(context), call(context), payload)
    query = update.callback_query
    if query is not None and not any(r.alert for r in result.replies):
        await query.edit_message_reply_markup(None)
    await render(update, context, result)


# Review ---------------------------------------------------------------------------------------------------


@command("review")
async def cmd_review(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await duty_review.review(deps(context), call(context), args_text(context)),
    )


async def on_review_page(update: Update, context: ZhibuContext) -> None:
    payload = DutyReviewPage.unpack(_data(update))
    if payload is None:
        return
    await show_page(
        update,
        context,
        await duty_review.page(deps(context), call(context), payload),
    )


async def on_approve(update: Update, context: ZhibuContext) -> None:
    data = _data(update)
    one, some, month = DutyApprove.unpack(data), DutyApproveRange.unpack(data), DutyApproveMonth.unpack(data)
    if one is not None:
        approval = duty_review.Approval(one.month, (one.log_id, one.log_id), one.page)
    elif some is not None:
        approval = duty_review.Approval(some.month, (some.first, some.last))
    elif month is not None:
        approval = duty_review.Approval(month.month, None)
    else:
        return
    await show_page(update, context, await duty_review.approve(deps(context), call(context), approval))


def _approving(data: object) -> bool:
    return any(kind.matches(data) for kind in (DutyApprove, DutyApproveRange, DutyApproveMonth))


async def on_reject(update: Update, context: ZhibuContext) -> int | None:
    payload = DutyReject.unpack(_data(update))
    if payload is None:
        return END
    answer = await duty_review.ask_reason(deps(context), call(context), payload.log_id)
    await render(update, context, answer)
    if answer.alert:
        return END
    conversation.keep(context, RejectDraft, RejectDraft(log_id=payload.log_id))
    return REASON


async def on_reason(update: Update, context: ZhibuContext) -> int:
    draft = conversation.current(context, RejectDraft)
    conversation.forget(context, RejectDraft)
    if draft is None:
        return await conversation.lost(update, context, "/review")
    result = await duty_review.reject(deps(context), call(context), draft.log_id, _text(update))
    await render(update, context, result)
    if not result.queued and result.replies and result.replies[0].key == "posts.review.ask_reason":
        conversation.keep(context, RejectDraft, draft)
        return REASON
    return END


async def reason_not_text(update: Update, context: ZhibuContext) -> int:
    draft = conversation.current(context, RejectDraft)
    if draft is None:
        return await conversation.lost(update, context, "/review")
    asked = say("posts.review.ask_reason", id=draft.log_id)
    await render(update, context, Result.of(say("common.text_expected"), asked))
    return REASON


# 述职 ------------------------------------------------------------------------------------------------------


async def _ask_account(update: Update, context: ZhibuContext, key: int | None) -> int:
    answer, quarter = await duty_accounts.ask(deps(context), call(context), key)
    await render(update, context, answer)
    if quarter is None:
        return END
    conversation.keep(context, AccountDraft, AccountDraft(quarter=quarter.key))
    return ACCOUNT


@command("account")
async def cmd_account(update: Update, context: ZhibuContext) -> int:
    return await _ask_account(update, context, None)


async def on_account_button(update: Update, context: ZhibuContext) -> int:
    payload = DutyAccountWrite.unpack(_data(update))
    return await _ask_account(update, context, payload.quarter if payload else None)


async def on_account(update: Update, context: ZhibuContext) -> int:
    draft = conversation.current(context, AccountDraft)
    conversation.forget(context, AccountDraft)
    quarter = Quarter.of_key(draft.quarter) if draft else None
    message = update.effective_message
    if quarter is None:
        return await conversation.lost(update, context, "/account")
    if message is None:
        return END
    voice = message.voice.file_id if message.voice else None
    await render(
        update,
        context,
        await duty_accounts.save(deps(context), call(context), quarter, duty_accounts.Said(message.text, voice)),
    )
    return END


async def account_not_text(update: Update, context: ZhibuContext) -> int:
    draft = conversation.current(context, AccountDraft)
    quarter = Quarter.of_key(draft.quarter) if draft else None
    if quarter is None:
        return await conversation.lost(update, context, "/account")
    label = duty_accounts.quarter_label(context.lang, quarter)
    await render(update, context, Result.of(say("common.text_expected"), say("posts.account.ask", quarter=label)))
    return ACCOUNT


@command("accounts")
async def cmd_accounts(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await duty_accounts.accounts(deps(context), call(context), args_text(context)),
    )


async def on_accounts_page(update: Update, context: ZhibuContext) -> None:
    payload = DutyAccountsPage.unpack(_data(update))
    if payload is None:
        return
    await show_page(
        update,
        context,
        await duty_accounts.accounts_page(deps(context), call(context), payload),
    )


@command("rate")
async def cmd_rate(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await duty_accounts.rate(deps(context), call(context), split_fields(args_text(context))),
    )


# 公示 ------------------------------------------------------------------------------------------------------


async def on_publish(update: Update, context: ZhibuContext) -> None:
    query = update.callback_query
    post, drop = DutyPublish.unpack(_data(update)), DutyPublishDrop.unpack(_data(update))
    if post is not None:
        result = await duty_publicity.publish(deps(context), call(context), post.publicity_id)
    elif drop is not None:
        result = duty_publicity.dropped()
    else:
        return
    if query is not None and (drop is not None or result.queued):
        await query.edit_message_reply_markup(None)
    await render(update, context, result)


def _publishing(data: object) -> bool:
    return DutyPublish.matches(data) or DutyPublishDrop.matches(data)


def entry_points() -> list[BaseHandler[Update, Any, Any]]:
    """What starts a step of the duty conversation here: ❌ on an entry, /account, 写述职."""
    return [
        CallbackQueryHandler(on_reject, pattern=DutyReject.matches),
        CommandHandler("account", cmd_account),
        CallbackQueryHandler(on_account_button, pattern=DutyAccountWrite.matches),
    ]


def states() -> dict[object, list[BaseHandler[Update, Any, Any]]]:
    """The reason of a rejection and the account of a quarter: each waits for the next message (the account
    may be a voice message)."""
    text = filters.TEXT & ~filters.COMMAND
    return {
        REASON: [MessageHandler(text, on_reason), MessageHandler(NOT_TEXT, reason_not_text)],
        ACCOUNT: [MessageHandler(text | filters.VOICE, on_account), MessageHandler(NOT_TEXT, account_not_text)],
    }


def forget(context: ZhibuContext) -> None:
    """/cancel: nothing of a rejection or an account is kept."""
    conversation.forget(context, RejectDraft, AccountDraft)


def register(app: ZhibuApp) -> None:
    """Everything here but the conversation's steps (`entry_points`, `states`: in the duty conversation, so
    starting one drops any other duty step pending); `bot.handlers.duty` calls it before its catch-all."""
    app.add_handler(CommandHandler("claim", cmd_claim))
    app.add_handler(CallbackQueryHandler(on_claim, pattern=DutyClaim.matches))
    app.add_handler(CallbackQueryHandler(on_claim_decided, pattern=DutyClaimDecide.matches))
    app.add_handler(CommandHandler("review", cmd_review))
    app.add_handler(CallbackQueryHandler(on_review_page, pattern=DutyReviewPage.matches))
    app.add_handler(CallbackQueryHandler(on_approve, pattern=_approving))
    app.add_handler(CommandHandler("accounts", cmd_accounts))
    app.add_handler(CallbackQueryHandler(on_accounts_page, pattern=DutyAccountsPage.matches))
    app.add_handler(CommandHandler("rate", cmd_rate))
    app.add_handler(CallbackQueryHandler(on_publish, pattern=_publishing))
