"""CSV exports (UTF-8 with BOM, so Excel opens Chinese correctly). Each file is built from the store."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.duty import duty_logs_rows
from bot.services.export_reports import status_rows, thought_rows
from bot.services.export_time import export_tz
from bot.services.notices_export import attendance_rows, notices_rows
from bot.services.results import Reply, say
from bot.services.rights import Actor, OrgTree, managed_units
from bot.services.text import join_names
from bot.store import Store

Exporter = Callable[[Store, OrgTree, set[int] | None], Awaitable[tuple[list[str], list[list[object]]]]]


def _cell(value: object) -> object:
    """Text that Excel would take for a formula (=, +, -, @, tab, CR) is kept as text with a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def to_csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


async def members_rows(store: Store, tree: OrgTree, units: set[int] | None) -> tuple[list[str], list[list[object]]]:
    header = ["id", "name", "branch", "group", "category", "roles", "posts", "liaison", "report_cadence",
              "migrant_since", "phone", "building", "telegram_id", "linked", "linked_at", "unreachable",
              "state", "deactivated_at",
              # issue 12: the organisation (roles above include committee and group_leader)
              "membership", "joined", "confirmed", "activity_group", "relation", "note", "duty", "votes"]
    members = await store.members.all()  # those who left the roster too, with their state
    names = {m.id: m.name for m in members}
    rows = []
    for m in members:
        if units is not None and m.unit_id not in units:
            continue
        rows.append([
            m.id, m.name, tree.name(m.unit_id), tree.name(m.group_id), m.category,
            ";".join(sorted(m.roles)), ";".join(sorted(m.posts)), names.get(m.liaison_id or -1, ""),
            m.report_cadence, m.migrant_since.isoformat() if m.migrant_since else "", m.phone, m.building,
            m.telegram_id, "yes" if m.linked else "no", m.linked_at, "yes" if m.unreachable else "no",
            "active" if m.active else "deactivated", m.deactivated_at,
            m.membership, _day(m.joined), _day(m.confirmed), tree.name(m.activity_group_id), m.relation, m.note,
            m.duty, "yes" if m.votes else "no",
        ])
    return header, rows


#: File name → exporter. Later capabilities add their files here.
EXPORTS: dict[str, Exporter] = {
    "members.csv": members_rows,
    "status_reports.csv": status_rows,
    "thought_reports.csv": thought_rows,
    "duty_logs.csv": duty_logs_rows,
    "notices.csv": notices_rows,
    "attendance.csv": attendance_rows,
}


async def export_files(store: Store, units: set[int] | None = None,
                       tz: ZoneInfo | None = None) -> dict[str, bytes]:
    """Every export file's bytes, limited to `units` when given (a secretary's own units)."""
    if tz is not None:
        export_tz.set(tz)
    tree = OrgTree.of(await store.units.all())
    out = {}
    for name, exporter in EXPORTS.items():
        header, rows = await exporter(store, tree, units)
        out[name] = to_csv(header, rows)
    return out


async def export_to_dir(store: Store, directory: Path, tz: ZoneInfo | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = []
    for name, data in (await export_files(store, tz=tz)).items():
        path = directory / name
        path.write_bytes(data)
        path.chmod(0o600)
        written.append(path)
    return written


@dataclass(frozen=True)
class ExportScope:
    """/export: the units whose files a secretary gets, and what to tell them while the files are made."""

    units: set[int]
    sending: Reply


async def export_scope(actor: Actor, store: Store, lang: str) -> ExportScope:
    """The units this person manages (everything for an admin), named by their top units."""
    tree = OrgTree.of(await store.units.all())
    units = managed_units(actor, tree)
    top = [u for u in sorted(units) if tree.units[u].parent_id not in units]
    return ExportScope(units, say("export.sending", units=join_names([tree.name(u) for u in top], lang)))
