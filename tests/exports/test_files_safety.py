"""Files are handled safely (issue 30 item 5): `python -m bot export DIR` writes into a fresh private folder and
moves each file into place, never following a link planted in DIR; DIR must be a folder (not a link) the user owns
that nobody else may write into. An existing BACKUP_DIR is never chmod'ed silently: one that others may write into
is refused, and the backup says why."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import cli
from bot.config import Settings
from bot.ops.backup import take_backup
from bot.services.exports.export import EXPORTS
from tests.support.db import open_store
from tests.support.harness import SMALL_ROSTER, load_roster

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=SH)


@pytest.fixture
async def settings(tmp_path: Path) -> Settings:
    store = await open_store(tmp_path / "zhibu.sqlite3")
    try:
        await load_roster(store, SMALL_ROSTER)
    finally:
        await store.close()
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_path=tmp_path / "zhibu.sqlite3", community_name="测试社区党委", quiet_hours=""
    )


def victim(tmp_path: Path) -> tuple[Path, Path]:
    """Someone else's folder with a file in it, which a planted link points at."""
    folder = tmp_path / "victim"
    folder.mkdir()
    secret = folder / "keep.txt"
    secret.write_text("not yours")
    secret.chmod(0o644)
    return folder, secret


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".zhibu-export-")]


async def test_an_export_writes_every_file_owner_only_into_a_new_folder(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "out" / "2026"
    assert await cli.export(settings, target) == 0
    names = {p.name for p in target.iterdir()}
    assert {e.name for e in EXPORTS} <= names and any(n.endswith(".xlsx") for n in names)
    assert target.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in target.iterdir())
    assert await cli.export(settings, target) == 0  # again into the same folder: the files are replaced
    assert not leftovers(target)


async def test_a_planted_scratch_link_is_never_followed(settings: Settings, tmp_path: Path) -> None:
    folder, secret = victim(tmp_path)
    target = tmp_path / "out"
    target.mkdir(mode=0o700)
    (target / ".xlsx-rows").symlink_to(folder)
    assert await cli.export(settings, target) == 0
    assert secret.read_text() == "not yours" and [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert (target / "members.csv").is_file() and not leftovers(target)


async def test_a_planted_file_link_is_replaced_and_its_target_untouched(settings: Settings, tmp_path: Path) -> None:
    _, secret = victim(tmp_path)
    target = tmp_path / "out"
    target.mkdir(mode=0o700)
    (target / "members.csv").symlink_to(secret)
    assert await cli.export(settings, target) == 0
    assert secret.read_text() == "not yours" and secret.stat().st_mode & 0o777 == 0o644
    members = target / "members.csv"
    assert not members.is_symlink() and members.stat().st_mode & 0o777 == 0o600
    assert members.read_text(encoding="utf-8-sig").startswith("id,name,")


async def test_a_target_that_is_a_link_or_a_file_is_refused(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = victim(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert await cli.export(settings, link) == 1
    assert "不是一个文件夹" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]  # nothing written through the link
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert await cli.export(settings, a_file) == 1
    assert "不是一个文件夹" in capsys.readouterr().err and a_file.read_text() == "x"


async def test_a_folder_others_may_write_into_is_refused_and_left_as_it_is(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for mode in (0o777, 0o770, 0o702):
        target = tmp_path / f"shared-{mode:o}"
        target.mkdir()
        target.chmod(mode)
        assert await cli.export(settings, target) == 1
        said = capsys.readouterr().err
        assert "别人也能往里写" in said and f"chmod go-w {target}" in said, said
        assert target.stat().st_mode & 0o777 == mode and list(target.iterdir()) == []
    mine = tmp_path / "mine"
    mine.mkdir()
    mine.chmod(0o755)  # others may read the folder's names, not write: the files themselves are owner-only
    assert await cli.export(settings, mine) == 0
    assert mine.stat().st_mode & 0o777 == 0o755


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
async def test_a_folder_of_someone_else_is_refused(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "theirs"
    target.mkdir(mode=0o700)
    os.chown(target, 54321, 54321)
    assert await cli.export(settings, target) == 1
    assert "属于用户 54321" in capsys.readouterr().err and list(target.iterdir()) == []


async def test_a_folder_in_the_way_of_a_file_stops_the_export_before_anything_moves(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    target.mkdir(mode=0o700)
    (target / "notices.csv").mkdir()
    assert await cli.export(settings, target) == 1
    assert "「notices.csv」的文件夹" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notices.csv"]  # nothing moved, nothing left behind


@pytest.mark.slow
async def test_the_export_command_refuses_a_link_with_its_reason(settings: Settings, tmp_path: Path) -> None:
    folder, _ = victim(tmp_path)
    (tmp_path / "link").symlink_to(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "BACKUP", "LOG_"))}
    env.update({"DATABASE_PATH": str(settings.database_path), "DEFAULT_LANGUAGE": "en"})
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "export", str(tmp_path / "link")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1 and "is not a folder" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


# --------------------------------------------------------------------------------------------------- BACKUP_DIR


async def backup_into(settings: Settings, folder: Path) -> tuple[bool, str | None]:
    store = await open_store(settings.database_path)
    try:
        outcome = await take_backup(store, settings.model_copy(update={"backup_dir": folder}), NOW)
    finally:
        await store.close()
    return outcome.record.ok, outcome.record.error


async def test_a_backup_dir_others_may_write_into_is_refused_not_changed(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    folder.chmod(0o777)
    ok, error = await backup_into(settings, folder)
    assert not ok and error is not None and "别人也能往里写" in error and "777" in error
    assert folder.stat().st_mode & 0o777 == 0o777 and list(folder.iterdir()) == []


async def test_a_backup_dir_is_created_owner_only_or_used_as_it_is(settings: Settings, tmp_path: Path) -> None:
    new = tmp_path / "new" / "backups"
    assert (await backup_into(settings, new))[0]
    assert new.stat().st_mode & 0o777 == 0o700
    kept = tmp_path / "kept"
    kept.mkdir()
    kept.chmod(0o750)
    assert (await backup_into(settings, kept))[0]
    assert kept.stat().st_mode & 0o777 == 0o750  # not chmod'ed silently
    assert [p.stat().st_mode & 0o777 for p in kept.iterdir()] == [0o600]
