"""`python -m bot <command>`: run, sandbox, import-roster, import-households, invites, export, backup, restore,
health."""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import re
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from bot import version
from bot.config import Settings
from bot.i18n import CatalogueError, Html, check_catalogues, t
from bot.ops.backup import take_backup
from bot.ops.folders import UnsafeFolder, write_into
from bot.ops.health import health as health_report
from bot.ops.health import render as render_health
from bot.ops.lock import DatabaseBusy, hold
from bot.ops.logs import configure as configure_logging
from bot.ops.restore import RestoreRefused
from bot.ops.restore import restore as restore_database
from bot.services.exports.export import ExportJob, export_to_dir
from bot.services.exports.pdf import PDF_TIMEOUT, Rendered, ledger_pdfs
from bot.services.households.importing import HouseholdError, apply_households, parse_households
from bot.services.households.importing import column_name as household_column
from bot.services.kernel import csv_files
from bot.services.members.invites import pending_links
from bot.services.members.roster import (
    ImportSummary,
    OrgNames,
    RosterConflict,
    RosterError,
    apply_roster,
    column_name,
    parse_roster,
)
from bot.store import Store
from bot.store.db import utcnow


def plain(text: str) -> str:
    """Catalogue HTML as terminal text."""
    return html.unescape(re.sub(r"</?[a-z][^>]*>", "", text))


def say(settings: Settings, key: str, **params: object) -> None:
    print(plain(t(settings.default_language, key, **params)))


def roster_error_text(lang: str, error: RosterError) -> str:
    problem = t(lang, error.key, **error.params)
    if error.column:
        return plain(
            t(lang, "roster.error_line", line=error.line, column=column_name(lang, error.column), problem=Html(problem))
        )
    return plain(t(lang, "roster.error_row", line=error.line, problem=Html(problem)))


def read_table(settings: Settings, path: Path, prefix: str) -> str | None:
    """The text of a CSV file to import (UTF-8, or GBK / GB18030 as Excel saves it in Chinese), or None after
    saying why it cannot be read (`<prefix>.read_error`, or how to save it as UTF-8, or that it is too big)."""
    try:
        with path.open("rb") as file:
            data = file.read(csv_files.MAX_BYTES + 1)
        decoded = csv_files.decode_table(data)
    except OSError as exc:
        say(settings, f"{prefix}.read_error", detail=exc.strerror or str(exc))
        return None
    except csv_files.Unreadable as exc:
        say(settings, f"import.{exc.reason}", limit=csv_files.MAX_BYTES // (1024 * 1024))
        return None
    if decoded.encoding != "utf-8":
        say(settings, "import.decoded", encoding="GBK" if decoded.encoding == "gb18030" else decoded.encoding.upper())
    return decoded.text


def print_problems(settings: Settings, lines: list[str]) -> None:
    """The problems of a failed import, at most `csv_files.MAX_SHOWN` of them, then how many more there are."""
    shown, more = csv_files.shown_and_more(lines)
    for line in shown:
        print("  " + line)
    if more:
        say(settings, "import.more_problems", more=more, total=len(lines))


async def import_roster(settings: Settings, path: Path, deactivate_missing: bool = False) -> int:
    text = read_table(settings, path, "roster")
    if text is None:
        return 1
    rows, errors = parse_roster(text, cadence=settings.report_cadence_default, store_ids=settings.store_id_numbers)
    if errors:
        say(settings, "roster.failed")
        print_problems(settings, [roster_error_text(settings.default_language, error) for error in errors])
        return 1
    store, names = await Store.open(settings.database_path), OrgNames(settings.community_name, settings.township_name)
    try:
        summary = await apply_roster(store, rows, names, deactivate_missing=deactivate_missing)
        await store.moving.keep_id_numbers(settings.store_id_numbers)  # 身份证号 only while STORE_ID_NUMBERS
    except RosterConflict as exc:
        say(settings, "roster.failed")
        print("  " + roster_error_text(settings.default_language, exc.error))
        return 1
    finally:
        await store.close()
    say(
        settings,
        "roster.summary",
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        units=summary.units_created,
    )
    report_missing(settings, summary, deactivate_missing)
    return 0


def household_error_text(lang: str, error: HouseholdError) -> str:
    problem = t(lang, error.key, **error.params)
    if error.column:
        return plain(
            t(
                lang,
                "households.error_line",
                line=error.line,
                column=household_column(lang, error.column),
                problem=Html(problem),
            )
        )
    return plain(t(lang, "households.error_row", line=error.line, problem=Html(problem)))


async def import_households(settings: Settings, path: Path) -> int:
    """党员联户名单: every row checked and every member found, then written in one transaction, or nothing."""
    lang = settings.default_language
    text = read_table(settings, path, "households")
    if text is None:
        return 1
    rows, errors = parse_households(text)
    if not errors:
        store = await Store.open(settings.database_path)
        try:
            summary, errors = await apply_households(store, rows)
        finally:
            await store.close()
    if errors:
        say(settings, "households.failed")
        print_problems(settings, [household_error_text(lang, error) for error in errors])
        say(settings, "households.example")
        return 1
    say(settings, "households.summary", created=summary.created, updated=summary.updated, unchanged=summary.unchanged)
    if summary.unlisted:
        say(settings, "households.unlisted", count=summary.unlisted)
    return 0


def report_missing(settings: Settings, summary: ImportSummary, deactivated: bool) -> None:
    """Who is in the database but not in the file: deactivated now, or left as they were (and how to)."""
    for key, count in summary.notes():  # back on the roster; 发展党员 in the register, 党费 set (issues 24, 25)
        say(settings, f"roster.{key}", count=count)
    if not summary.missing:
        return
    say(settings, "roster.deactivated" if deactivated else "roster.missing", count=len(summary.missing))
    for member in summary.missing:
        print("  " + plain(t(settings.default_language, "roster.missing_line", name=member.name, unit=member.unit)))
    if not deactivated:
        say(settings, "roster.missing_hint")


async def invites(settings: Settings, bot_username: str | None) -> int:
    store = await Store.open(settings.database_path)
    try:
        username = bot_username or await _bot_username(settings)
        links = await pending_links(store, username)
        if not links:
            say(settings, "cli.no_invites")
        for name, unit, link in links:
            say(settings, "cli.invite_line", name=name, unit=unit, link=link)
    finally:
        await store.close()
    return 0


async def _bot_username(settings: Settings) -> str:
    """Ask the Bot API who we are; without a token, a placeholder the secretary can edit."""
    if settings.bot_token is None:
        return "your_bot"
    from telegram import Bot

    async with Bot(settings.bot_token.get_secret_value(), base_url=settings.api_base) as bot:
        return bot.username


async def export(settings: Settings, directory: Path, pdf: bool = False) -> int:
    """The CSV files and the ledger into `directory`; with `pdf`, the ledger printed to PDF by LibreOffice too
    (exit 1, the other files written, when it cannot be made). Everything is written in a fresh private folder
    inside `directory`, then moved into place (`bot.ops.folders.write_into`); refused, with the reason, for a link,
    a file, or a folder of someone else's or one others may write into."""
    store = await Store.open(settings.database_path)
    printed: list[Rendered] = []

    async def fill(fresh: Path) -> list[Path]:
        job = ExportJob(tz=settings.tz, ledger_lang=settings.default_language, settings=settings)
        files = await export_to_dir(store, fresh, job)
        if pdf:  # printed beside each workbook in the fresh folder, and moved into place with the rest
            printed.extend(await ledger_pdfs(files))
            files += [r.path for r in printed if r.path is not None]
        return files

    try:
        written = await write_into(directory, fill)
    except UnsafeFolder as exc:
        print(exc.words(settings.default_language), file=sys.stderr)
        return 1
    finally:
        await store.close()
    say(settings, "cli.exported", path=str(directory), files=", ".join(p.name for p in written))
    problem = next((r.problem for r in printed if r.problem is not None), None)
    if problem is not None:
        lang = settings.default_language
        print(plain(t(lang, f"cli.pdf_{problem}", seconds=int(PDF_TIMEOUT))), file=sys.stderr)
        return 1
    return 0


async def backup(settings: Settings, target: Path | None) -> int:
    """A checked backup into `target`, or into BACKUP_DIR under its dated name (then pruned as the bot does)."""
    store = await Store.open(settings.database_path)
    try:
        outcome = await take_backup(store, settings, utcnow(), target)
    finally:
        await store.close()
    if not outcome.record.ok:
        print(
            plain(t(settings.default_language, "ops.backup_failed", error=outcome.record.error or "")), file=sys.stderr
        )
        return 1
    say(settings, "cli.backup_done", path=str(outcome.path), check="ok")
    return 0


async def restore(settings: Settings, source: Path) -> int:
    try:
        outcome = await restore_database(source, settings.database_path, datetime.now(settings.tz))
    except RestoreRefused as exc:
        print(plain(t(settings.default_language, exc.key, **exc.params)), file=sys.stderr)
        return 1
    say(settings, "ops.restore_done", version_from=outcome.version_from, version_to=outcome.version_to)
    if outcome.aside is None:
        say(settings, "ops.restore_no_current")
    else:
        say(settings, "ops.restore_aside", path=str(outcome.aside))
        done = outcome.reconciled
        if done.log_read:
            say(settings, "ops.restore_log", settled=done.settled, recorded=done.recorded)
        else:
            say(settings, "ops.restore_no_log", problem=done.problem)
    say(settings, "ops.restore_pending", count=outcome.pending)
    return 0


async def health(settings: Settings) -> int:
    """The health report; exit 1 when the sweep is late or the last backup failed (for a monitoring cron)."""
    if not settings.database_path.is_file():  # a wrong DATABASE_PATH must not create an empty database
        print(
            plain(t(settings.default_language, "ops.health_no_database", path=str(settings.database_path))),
            file=sys.stderr,
        )
        return 2
    store = await Store.open(settings.database_path)
    try:
        now = utcnow()
        report = await health_report(store, settings, now)
    finally:
        await store.close()
    print(plain(render_health(settings.default_language, report, settings)))
    return 0 if report.healthy else 1


async def run(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from bot.app import serve

    try:
        with hold(settings.database_path):  # while it runs: no restore, no second bot (bot/services/ops_lock.py)
            await serve(settings, stop)
    except DatabaseBusy:
        print(plain(t(settings.default_language, "ops.run_busy", path=str(settings.database_path))), file=sys.stderr)
        return 1
    return 0


def program_name() -> str:
    """`zhibu` when started through the console script, `python -m bot` otherwise."""
    return "zhibu" if Path(sys.argv[0]).name.startswith("zhibu") else "python -m bot"


def stopped(command: str, exc: BaseException) -> int:
    """An unexpected error in `run` or `sandbox`: the traceback to the log, then one clear line last."""
    logging.getLogger("bot").error("%s stopped by an error", command, exc_info=exc)
    print(f"zhibu {command}: stopped by {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=program_name(), description="Zhibu (支部) Party work bot")
    parser.add_argument("--version", action="version", version=f"zhibu {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (long polling, or a webhook when WEBHOOK_URL is set)")
    sandbox = sub.add_parser("sandbox", help="try the bot against a local Bot API emulator")
    sandbox.add_argument("--script", type=Path, help="play a scripted conversation and print it")
    sandbox.add_argument("--roster", type=Path, help="roster CSV for the demo community")
    sandbox.add_argument("--database", type=Path, help="sandbox database (default: a fresh temporary one)")
    roster = sub.add_parser("import-roster", help="create/update units and members from a CSV file")
    roster.add_argument("file", type=Path)
    roster.add_argument(
        "--deactivate-missing",
        action="store_true",
        help="deactivate the members who are in the database but not in the file (without it they are only listed)",
    )
    households = sub.add_parser(
        "import-households", help="create/update the households members serve (党员联户) from a CSV file"
    )
    households.add_argument("file", type=Path)
    inv = sub.add_parser("invites", help="print one-time invite links for members not yet linked")
    inv.add_argument("--bot-username", help="bot username for the links (default: asked from the Bot API)")
    exp = sub.add_parser("export", help="write the CSV exports and the Excel ledger (台账) to a folder")
    exp.add_argument("directory", type=Path)
    exp.add_argument(
        "--pdf", action="store_true", help="also print the ledger to PDF with LibreOffice (soffice), when installed"
    )
    bak = sub.add_parser(
        "backup",
        help="a consistent, checked copy of the database, safe while the bot runs "
        "(default: into BACKUP_DIR, pruned as the daily backups are)",
    )
    bak.add_argument("file", type=Path, nargs="?")
    res = sub.add_parser(
        "restore", help="restore a backup (the bot must be stopped); the current database is kept aside"
    )
    res.add_argument("file", type=Path)
    sub.add_parser("health", help="print the health report; exit 1 when the sweep is late or the last backup failed")
    args = parser.parse_args(argv)

    level = logging.INFO if args.command == "run" else logging.WARNING
    configure_logging(None, level)
    try:
        check_catalogues()
    except CatalogueError as exc:
        # Before anything else, and before polling: every answer the bot gives comes from these files.
        print(f"zhibu: cannot start: {exc}", file=sys.stderr)
        return 2
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            print(f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}", file=sys.stderr)
        return 2
    if args.command == "run":
        configure_logging(settings, level)  # LOG_FILE: a rotating file for the long-running bot
        if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
            print(plain(t(settings.default_language, "cli.no_token")), file=sys.stderr)
            return 2
        try:
            return asyncio.run(run(settings))
        except Exception as exc:
            return stopped("run", exc)
    if args.command == "sandbox":
        from bot.sandbox import main as sandbox_main

        try:
            return sandbox_main(settings, script=args.script, roster=args.roster, database=args.database)
        except Exception as exc:
            return stopped("sandbox", exc)
    if args.command == "import-roster":
        return asyncio.run(import_roster(settings, args.file, args.deactivate_missing))
    if args.command == "import-households":
        return asyncio.run(import_households(settings, args.file))
    if args.command == "invites":
        return asyncio.run(invites(settings, args.bot_username))
    if args.command == "export":
        return asyncio.run(export(settings, args.directory, args.pdf))
    if args.command == "backup":
        return asyncio.run(backup(settings, args.file))
    if args.command == "restore":
        return asyncio.run(restore(settings, args.file))
    if args.command == "health":
        return asyncio.run(health(settings))
    parser.error(f"unknown command {args.command}")
    return 2
