"""A community of N members with a year of records, written fast (`executemany`, one transaction per table).

Run: `.venv/bin/python bench/dataset.py DATABASE [--members 100000] [--months 12]` (about a minute at 100 000
members); `bench/export.py` and `bench/memory.py --year` import `build`.

What it writes, deterministically from `--seed` (the schema is made by `Store.open`, the migrations):

* the committee, one branch per 1 000 members (at least one), five Party groups in each branch;
* members: one branch secretary and one liaison per branch, the first member an admin; one in ten mobile
  (migrant: a liaison, monthly or quarterly reports); 2 % patrol and 1 % mediation post-holders; 85 % linked to
  Telegram (ids from `FIRST_TELEGRAM_ID`), some unreachable; 1 % deactivated; groups, phones and buildings,
  some of them starting with = or - (the exports must keep them as text);
* per member a status report each quarter; per mobile member a thought report for each period;
* per patrol holder a weekly patrol, per mediation holder a monthly mediation (some ongoing, with follow-ups);
* per branch one meeting notice a month to all its active members: the expected list, a delivery to each
  linked one (mostly sent, some failed or uncertain), replies (attend or leave with a reason) and check-ins.

The records span the `--months` months up to the day it runs, so the bot's sweep sees a live community.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Store

FIRST_TELEGRAM_ID = 500_001
PER_BRANCH = 1_000
GROUPS_PER_BRANCH = 5
COMMUNITY = "基准社区党委"
STATES = ("home", "away_work", "away_business", "study", "ill", "hardship")
PLACES = ("广东东莞", "浙江义乌", "江苏苏州", None)
WORDS = "学习贯彻党的二十大精神坚持为人民服务积极参加组织生活按时缴纳党费发挥先锋模范作用"


@dataclass
class Sizes:
    """What was written, table by table."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        return ", ".join(f"{table} {count:,}" for table, count in self.rows.items()) + f" in {self.seconds:.1f} s"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def text(rng: random.Random, length: int) -> str:
    start = rng.randrange(len(WORDS))
    return (WORDS[start:] + WORDS * (length // len(WORDS) + 1))[:length]


def months_back(end: datetime, months: int) -> list[tuple[int, int]]:
    """(year, month) of the `months` months ending with `end`'s, oldest first."""
    year, month = end.year, end.month
    out = []
    for _ in range(months):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def put(conn: sqlite3.Connection, sizes: Sizes, table: str, columns: str, rows: Iterable[tuple[object, ...]]) -> None:
    marks = ",".join("?" * len(columns.split(",")))
    before = conn.total_changes
    conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    sizes.rows[table] = sizes.rows.get(table, 0) + conn.total_changes - before


@dataclass(frozen=True)
class Person:
    id: int
    branch: int
    group: int | None
    telegram_id: int | None
    linked: bool
    active: bool
    migrant: bool
    cadence: str | None
    posts: tuple[str, ...]


def _members(
    conn: sqlite3.Connection,
    sizes: Sizes,
    members: int,
    branches: list[int],
    groups: dict[int, list[int]],
    start: datetime,
) -> list[Person]:
    people: list[Person] = []
    rows, roles, posts = [], [], []
    for i in range(members):
        member_id = i + 1
        branch = branches[i % len(branches)]
        first_in_branch = i < 2 * len(branches)
        group = None if i % 7 == 0 else groups[branch][i % GROUPS_PER_BRANCH]
        migrant = i % 10 == 3 and not first_in_branch
        cadence = ("monthly" if i % 20 == 3 else "quarterly") if migrant else None
        linked = i % 20 < 17 or first_in_branch
        active = i % 100 != 51 or first_in_branch
        held = ("patrol",) if i % 50 == 5 else ("mediation",) if i % 100 == 7 else ()
        telegram_id = FIRST_TELEGRAM_ID + i if linked or i % 2 else None
        created = iso(start - timedelta(days=30))
        rows.append(
            (
                member_id,
                f"党员{i:06d}",
                branch,
                group,
                "migrant" if migrant else ("resident", "employed", "separated")[i % 3],
                None,  # liaison: set below, once each branch's liaison is known
                cadence,
                (start - timedelta(days=400)).date().isoformat() if migrant else None,
                created if migrant else None,
                f"138{i:08d}" if i % 3 else None,
                ("=1+1", "-3号楼", "@二单元")[i % 3] if i % 97 == 0 else f"{i % 40 + 1}号楼",
                telegram_id,
                created if linked else None,
                "zh" if i % 5 else None,
                int(linked and i % 41 == 0),
                created,
                created,
                int(active),
                None if active else iso(start + timedelta(days=90)),
            )
        )
        if i == 0:
            roles.append((member_id, "admin"))
        if i < len(branches):
            roles.append((member_id, "secretary"))
        elif i < 2 * len(branches):
            roles.append((member_id, "liaison"))
        posts += [(member_id, post) for post in held]
        people.append(Person(member_id, branch, group, telegram_id, linked, active, migrant, cadence, held))
    put(
        conn,
        sizes,
        "members",
        "id, name, unit_id, group_id, category, liaison_id, report_cadence, migrant_since, "
        "mobile_recorded_at, phone, building, telegram_id, linked_at, language, unreachable, created_at, "
        "updated_at, active, deactivated_at",
        rows,
    )
    put(conn, sizes, "member_roles", "member_id, role", roles)
    put(conn, sizes, "member_posts", "member_id, post", posts)
    liaison = {p.branch: p.id for p in people[len(branches) : 2 * len(branches)]}
    conn.executemany(
        "UPDATE members SET liaison_id = ? WHERE id = ?", ((liaison[p.branch], p.id) for p in people if p.migrant)
    )
    return people


def _reports(
    conn: sqlite3.Connection,
    sizes: Sizes,
    rng: random.Random,
    people: list[Person],
    months: list[tuple[int, int]],
    end: datetime,
) -> None:
    def status() -> Iterator[tuple[object, ...]]:
        for p in people:
            for year, month in months[2::3]:  # once a quarter
                at = datetime(year, month, 1 + p.id % 28, 9 + p.id % 10, tzinfo=UTC)
                if at < end:
                    place = PLACES[p.id % len(PLACES)]
                    yield (
                        p.id,
                        STATES[(p.id + month) % len(STATES)],
                        place,
                        None if p.id % 4 else ("-", "=SUM(A1)", "在厂里上班")[p.id % 3],
                        iso(at),
                    )

    def thoughts() -> Iterator[tuple[object, ...]]:
        for p in people:
            if not p.migrant:
                continue
            for year, month in months:
                if p.cadence == "quarterly" and month % 3:
                    continue
                period = f"{year:04d}-{month:02d}" if p.cadence == "monthly" else f"{year:04d}-Q{(month - 1) // 3 + 1}"
                at = datetime(year, month, 20 + p.id % 8, 20, tzinfo=UTC)
                if at < end and p.id % 9:
                    yield p.id, period, text(rng, 150 + p.id % 200), iso(at), p.id % 5 == 0

    put(conn, sizes, "status_reports", "member_id, state, location, note, at", status())
    put(conn, sizes, "thought_reports", "member_id, period, text, submitted_at, replaced", thoughts())


def _duty(conn: sqlite3.Connection, sizes: Sizes, people: list[Person], start: datetime, end: datetime) -> None:
    def logs() -> Iterator[tuple[object, ...]]:
        for p in people:
            if "patrol" in p.posts:
                day = start + timedelta(days=p.id % 7, hours=20)
                while day < end:
                    yield (
                        p.id,
                        "patrol",
                        iso(day),
                        day.date().isoformat(),
                        "村口至学校",
                        30 + p.id % 90,
                        "无异常" if p.id % 3 else "=路灯坏了两盏",
                        None,
                        None,
                        None,
                        None,
                        None,
                        f"EMU{p.id}{day:%m%d}" if p.id % 2 else None,
                        None,
                    )
                    day += timedelta(days=7)
            if "mediation" in p.posts:
                day = start + timedelta(days=p.id % 28, hours=15)
                while day < end:
                    ongoing = day.month % 4 == 0
                    outcome = "ongoing" if ongoing else ("resolved", "referred")[day.month % 2]
                    yield (
                        p.id,
                        "mediation",
                        iso(day),
                        day.date().isoformat(),
                        None,
                        60,
                        None,
                        "张三与李四",
                        ("neighbour", "family", "land", "property", "other")[day.month % 5],
                        outcome,
                        (day + timedelta(days=7)).date().isoformat() if ongoing else None,
                        "双方达成一致",
                        None,
                        None,
                    )
                    day += timedelta(days=30)

    put(
        conn,
        sizes,
        "duty_logs",
        "member_id, post, at, local_date, area, minutes, findings, parties, kind, outcome, "
        "followup_on, summary, photo_file_id, outcome_changed_at",
        logs(),
    )


def _notices(
    conn: sqlite3.Connection,
    sizes: Sizes,
    rng: random.Random,
    people: list[Person],
    branches: list[int],
    months: list[tuple[int, int]],
    end: datetime,
) -> None:
    by_branch: dict[int, list[Person]] = {b: [] for b in branches}
    for p in people:
        if p.active:
            by_branch[p.branch].append(p)
    secretary = {b: by_branch[b][0] for b in branches}
    notices: list[tuple[object, ...]] = []
    expected: list[tuple[object, ...]] = []
    outbox: list[tuple[object, ...]] = []
    rsvps: list[tuple[object, ...]] = []
    checkins: list[tuple[object, ...]] = []
    notice_id = 0
    for year, month in months:
        for branch in branches:
            created = datetime(year, month, 5, 8, tzinfo=UTC)
            starts = created + timedelta(days=3, hours=11)
            if created >= end:
                continue
            notice_id += 1
            cancelled = iso(created + timedelta(days=1)) if notice_id % 50 == 0 else None
            sec = secretary[branch]
            # the same few times for every member of the notice: formatted once
            made, sent, attend_at, leave_at = (iso(created + timedelta(seconds=d)) for d in (0, 30, 7200, 10800))
            checked_at = iso(starts + timedelta(minutes=5))
            notices.append(
                (
                    notice_id,
                    ("general", "group", "lecture", "partyday")[month % 4],
                    branch,
                    iso(starts),
                    "村委会礼堂",
                    f"{month}月主题党日：{text(rng, 12)}",
                    sec.id,
                    sec.telegram_id,
                    "zh",
                    iso(created),
                    cancelled,
                    "到会人数见签到表" if month % 2 else None,
                    iso(starts + timedelta(days=1)) if month % 2 else None,
                )
            )
            for p in by_branch[branch]:
                expected.append((notice_id, p.id, int(p.linked)))
                if p.linked and p.telegram_id is not None:
                    status = "sent" if (p.id + month) % 40 else ("failed", "uncertain")[p.id % 2]
                    outbox.append(
                        (
                            f"notice:{notice_id}:{p.id}",
                            "notice",
                            f"notice:{notice_id}",
                            p.id,
                            p.telegram_id,
                            f"<b>会议通知</b>\n{month}月主题党日，村委会礼堂。请点按钮回复。",
                            None,
                            status,
                            1,
                            1000 + notice_id if status == "sent" else None,
                            made,
                            sent,
                        )
                    )
                    answer = (p.id + month) % 10
                    if answer < 5:
                        rsvps.append((notice_id, p.id, "attend", None, attend_at))
                    elif answer < 6:
                        rsvps.append((notice_id, p.id, "leave", "在外务工" if p.id % 2 else "=生病住院", leave_at))
                    if answer < 5 and (p.id + month) % 3 and not cancelled:
                        checkins.append(
                            (
                                notice_id,
                                p.id,
                                ("self", "proxy", "late")[p.id % 3],
                                sec.id if p.id % 3 == 1 else None,
                                checked_at,
                            )
                        )
    put(
        conn,
        sizes,
        "notices",
        "id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, "
        "creator_lang, created_at, cancelled_at, minutes, minutes_at",
        notices,
    )
    put(conn, sizes, "notice_members", "notice_id, member_id, linked", expected)
    put(
        conn,
        sizes,
        "outbox",
        "key, kind, ref, member_id, chat_id, text, buttons, status, attempts, message_id, created_at, sent_at",
        outbox,
    )
    put(conn, sizes, "rsvps", "notice_id, member_id, answer, reason, at", rsvps)
    put(conn, sizes, "checkins", "notice_id, member_id, how, by_member, at", checkins)


def build(path: Path, members: int = 100_000, months: int = 12, seed: int = 1, end: datetime | None = None) -> Sizes:
    """Write the community into a new database at `path` (its schema made by the bot's migrations)."""
    started = time.perf_counter()
    asyncio.run(_migrate(path))
    end = end or datetime.now(UTC)
    span = months_back(end, months)
    start = datetime(span[0][0], span[0][1], 1, tzinfo=UTC)
    rng = random.Random(seed)
    sizes = Sizes()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # A bench database: nothing to lose if the machine stops. The bot sets WAL again when it opens it.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes are built in memory
        conn.execute("BEGIN")
        conn.execute("INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', ?)", (COMMUNITY,))
        count = max(1, members // PER_BRANCH)
        branches = list(range(2, 2 + count))
        groups: dict[int, list[int]] = {}
        unit_rows: list[tuple[object, ...]] = [(b, 1, "branch", f"第{b - 1}村党支部") for b in branches]
        next_id = 2 + count
        for b in branches:
            groups[b] = list(range(next_id, next_id + GROUPS_PER_BRANCH))
            unit_rows += [(g, b, "group", f"第{k + 1}党小组") for k, g in enumerate(groups[b])]
            next_id += GROUPS_PER_BRANCH
        put(conn, sizes, "units", "id, parent_id, kind, name", unit_rows)
        people = _members(conn, sizes, members, branches, groups, start)
        _reports(conn, sizes, rng, people, span, end)
        _duty(conn, sizes, people, start, end)
        _notices(conn, sizes, rng, people, branches, span, end)
        conn.execute("COMMIT")
    finally:
        conn.close()
    sizes.seconds = time.perf_counter() - started
    return sizes


async def _migrate(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.database.exists():
        raise SystemExit(f"{args.database} exists: the data set goes into a new database")
    sizes = build(args.database, args.members, args.months, args.seed)
    print(f"{args.database}: {sizes}; {args.database.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
