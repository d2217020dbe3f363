"""`/export [YYYY] [pdf]`: a secretary receives their units' CSV files and the Excel ledger (台账) as documents, in
the private chat only; with `pdf`, the ledger printed to PDF too when the server has LibreOffice."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.domain.results import Reply
from bot.handlers.common import args_text, call, command, deps, join_names, render, reply
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.exports.export import UPLOAD_LIMIT, ExportJob, export_ask, export_scope, exported, too_large
from bot.services.exports.overview import overview
from bot.services.exports.pdf import PDF_TIMEOUT, Rendered, ledger_pdfs


@command("export")
async def cmd_export(update: Update, context: ZhibuContext) -> None:
    needs, asked = deps(context), call(context)
    ask = export_ask(args_text(context), asked.now.astimezone(needs.tz).year)
    if isinstance(ask, Reply):
        await render(update, context, ask)
        return
    person = asked.actor
    scope = await export_scope(needs, asked, ask.unit)
    if isinstance(scope, Reply):
        await render(update, context, scope)
        return
    await render(update, context, scope.sending)
    chat = update.effective_chat
    assert chat is not None
    problem: str | None = None
    compiler = person.member.name if person.member else None
    job = ExportJob(
        scope.units, needs.tz, asked.lang, asked.now, needs.settings, compiler, ask.year, reader=person.read_only
    )
    async with exported(needs.store, job) as written:
        files = list(written)
        if ask.pdf:
            rendered: list[Rendered] = await ledger_pdfs(files)
            files += [r.path for r in rendered if r.path is not None]
            problem = next((r.problem for r in rendered if r.problem is not None), None)
        big = too_large(files)
        for path in files:
            if path in big:
                continue
            with path.open("rb") as data:
                # Uploaded as it is read from disk (read_file_handle=False): never held in memory whole.
                document = InputFile(data, filename=path.name, read_file_handle=False)
                await context.bot.send_document(chat.id, document)
    await reply(update, context, "export.done", count=len(files) - len(big))
    if problem is not None:
        await reply(update, context, f"export.pdf_{problem}", seconds=int(PDF_TIMEOUT))
    if big:
        await reply(
            update,
            context,
            "export.too_large",
            limit=UPLOAD_LIMIT // (1024 * 1024),
            files=join_names([p.name for p in big], context.lang),
        )


@command("overview")
async def cmd_overview(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await overview(deps(context), call(context), args_text(context)))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("export", cmd_export))
    app.add_handler(CommandHandler("overview", cmd_overview))
