"""`python -m bot <command>`: run, sandbox, import-roster, invites, export, backup."""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import re
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings
from bot.i18n import Html, t
from bot.services.export import export_to_dir
from bot.services.invites import pending_links
from bot.services.roster import (
    ImportSummary,
    RosterConflict,
    RosterError,
    apply_roster,
    column_name,
    parse_roster,
)
from bot.store import Store


def plain(text: str) -> str:
    """Catalogue HTML as terminal text."""
    return html.unescape(re.sub(r"</?[a-z][^>]*>", "", text))


def say(settings: Settings, key: str, **params: object) -> None:
    print(plain(t(settings.default_language, key, **params)))


def roster_error_text(lang: str, error: RosterError) -> str:
    problem = t(lang, error.key, **error.params)
    if error.column:
        return plain(t(lang, "roster.error_line", line=error.line, column=column_name(lang, error.column),
                       problem=Html(problem)))
    return plain(t(lang, "roster.error_row", line=error.line,
                   problem=Html(problem)))


async def import_roster(settings: Settings, path: Path, deactivate_missing: bool = False) -> int:
    lang = settings.default_language
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        say(settings, "roster.read_error", detail=str(exc))
        return 1
    rows, errors = parse_roster(text)
    if errors:
        say(settings, "roster.failed")
        for error in errors:
            print("  " + roster_error_text(lang, error))
        return 1
    store = await Store.open(settings.database_path)
    try:
        summary = await apply_roster(store, rows, settings.community_name, deactivate_missing=deactivate_missing)
    except RosterConflict as exc:
        say(settings, "roster.failed")
        print("  " + roster_error_text(lang, exc.error))
        return 1
    finally:
        await store.close()
    say(settings, "roster.summary", created=summary.created, updated=summary.updated,
        unchanged=summary.unchanged, units=summary.units_created)
    report_missing(settings, summary, deactivate_missing)
    return 0


def report_missing(settings: Settings, summary: ImportSummary, deactivated: bool) -> None:
    """Who is in the database but not in the file: deactivated now, or left as they were (and how to)."""
    if summary.reactivated:
        say(settings, "roster.reactivated", count=summary.reactivated)
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


async def export(settings: Settings, directory: Path) -> int:
    store = await Store.open(settings.database_path)
    try:
        written = await export_to_dir(store, directory, settings.tz, ledger_lang=settings.default_language)
    finally:
        await store.close()
    say(settings, "cli.exported", path=str(directory), files=", ".join(p.name for p in written))
    return 0


async def backup(settings: Settings, target: Path) -> int:
    store = await Store.open(settings.database_path)
    try:
        await store.db.backup_to(target)
    finally:
        await store.close()
    with sqlite3.connect(target) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    say(settings, "cli.backup_done", path=str(target), check=check)
    return 0 if check == "ok" else 1


async def run(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from bot.app import serve

    await serve(settings, stop)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Zhibu (支部) Party work bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (long polling, or a webhook when WEBHOOK_URL is set)")
    sandbox = sub.add_parser("sandbox", help="try the bot against a local Bot API emulator")
    sandbox.add_argument("--script", type=Path, help="play a scripted conversation and print it")
    sandbox.add_argument("--roster", type=Path, help="roster CSV for the demo community")
    sandbox.add_argument("--database", type=Path, help="sandbox database (default: a fresh temporary one)")
    roster = sub.add_parser("import-roster", help="create/update units and members from a CSV file")
    roster.add_argument("file", type=Path)
    roster.add_argument("--deactivate-missing", action="store_true",
                        help="deactivate the members who are in the database but not in the file "
                             "(without it they are only listed)")
    inv = sub.add_parser("invites", help="print one-time invite links for members not yet linked")
    inv.add_argument("--bot-username", help="bot username for the links (default: asked from the Bot API)")
    exp = sub.add_parser("export", help="write the CSV exports and the Excel ledger (台账) to a folder")
    exp.add_argument("directory", type=Path)
    bak = sub.add_parser("backup", help="a consistent copy of the database, safe while the bot runs")
    bak.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO if args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            print(f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}", file=sys.stderr)
        return 2
    if args.command == "run":
        if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
            print(plain(t(settings.default_language, "cli.no_token")), file=sys.stderr)
            return 2
        return asyncio.run(run(settings))
    if args.command == "sandbox":
        from bot.sandbox import main as sandbox_main

        return sandbox_main(settings, script=args.script, roster=args.roster, database=args.database)
    if args.command == "import-roster":
        return asyncio.run(import_roster(settings, args.file, args.deactivate_missing))
    if args.command == "invites":
        return asyncio.run(invites(settings, args.bot_username))
    if args.command == "export":
        return asyncio.run(export(settings, args.directory))
    if args.command == "backup":
        return asyncio.run(backup(settings, args.file))
    parser.error(f"unknown command {args.command}")
    return 2
