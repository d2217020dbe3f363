"""Settings from the environment and `.env` (docs/PRODUCT.md §1), validated by pydantic-settings."""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.festivals import parse_festivals
from bot.domain.ledger import DEFAULT_REQUIRED, Requirement, parse_required
from bot.domain.presence import parse_proof

OFFICIAL_API = "https://api.telegram.org"


def parse_duration(text: str) -> timedelta:
    """`24h`, `1h`, `30m`, `2d`, `90s` → timedelta."""
    text = text.strip().lower()
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isascii() or not text[:-1].isdigit():
        raise ValueError(f"not a duration like 24h or 30m: {text!r}")
    try:
        return timedelta(**{units[text[-1]]: int(text[:-1])})
    except (OverflowError, ValueError):  # more days than `timedelta` holds
        raise ValueError(f"not a duration like 24h or 30m: {text!r}") from None


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """`21:00-08:00` → (21:00, 08:00); empty → None. The range may cross midnight."""
    text = text.strip()
    if not text:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as exc:
        raise ValueError(f"QUIET_HOURS must look like 21:00-08:00, not {text!r}") from exc
    return start, end


def parse_backup_time(text: str) -> time | None:
    """`03:00` → 03:00; `off` or empty → None (no automatic backups)."""
    text = text.strip()
    if not text or text.lower() == "off":
        return None
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"BACKUP_TIME must look like 03:00 (or off), not {text!r}") from exc


class Settings(BaseSettings):
    """Every setting of docs/PRODUCT.md §1. Names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_path: Path = Path("data/zhibu.sqlite3")
    telegram_api_base_url: str = OFFICIAL_API
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    community_name: str = "社区党委"
    #: The township (乡镇党委) above the communities when one deployment serves several (issue 28): made when the
    #: roster names a row's 社区 or lists a reader from above (上级党委).
    township_name: str = "乡镇党委"
    reminder_sweep_seconds: float = 60
    # Where people are in multi-step commands is saved this often (and at every stop): a crash loses at most
    # the steps of these last seconds (bot/handlers/persistence.py).
    persistence_seconds: float = 2
    quiet_hours: str = "21:00-08:00"
    meeting_reminders: str = "24h,1h"
    report_reminder_days_before: int = 3
    #: Local time of the daily digest that gathers escalations to secretaries and liaisons (HH:MM).
    digest_time: str = "09:00"
    #: How often a mobile member (流动党员) hands in a thought report when the roster gives no 汇报周期:
    #: monthly or quarterly (the roster's report_cadence still wins).
    report_cadence_default: str = "quarterly"
    #: 党员联户 (issue 15): a household not visited for this many days is in its member's weekly reminder.
    visit_reminder_days: int = Field(default=90, ge=1)
    broadcast_rate: float = 25
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    #: 三会一课台账 (/ledger) and the nudge of the 20th: the meetings each branch must hold, `type=count/period`
    #: (month, quarter, year); 《中国共产党支部工作条例（试行）》 by default.
    ledger_required: str = DEFAULT_REQUIRED
    # Care for members in hardship (bot/services/care*.py): an open case with no visit for this many days
    # reminds its visitor once; before each festival (春节 by the lunar calendar, or MM-DD) every secretary
    # gets one list of their members to visit, this many days ahead.
    care_quiet_days: int = Field(default=30, ge=1)
    care_festivals: str = "春节,07-01"
    care_list_days_before: int = Field(default=7, ge=0)
    #: 签到 at a meeting held 现场 (issue 23): what proves a member is there — `code` (the code the convener shows
    #: at the venue, or its QR link), `location` (a location shared within CHECKIN_RADIUS_M of the venue), both
    #: (`code,location`: either one), or `none` (the plain button, as for a meeting held 线上).
    checkin_proof: str = "code"
    #: From which day the bot keeps the 三会一课 record (YYYY-MM-DD; empty: from the start): periods begun before it
    #: are shown as — (not kept here), never as not met; meetings held on paper may be entered with /backfill.
    records_from: str = ""
    #: 身份证号 (issue 27): kept from the roster's 身份证号 column only when true, and then shown only in /member
    #: (masked); never in a group, a list, a sheet or a log. Turned off, the next roster import removes them all.
    store_id_numbers: bool = False
    #: 学时 a member must reach in a year: 《中国共产党党员教育管理工作条例》 (2019):
    #: 党员每年集中学习培训时间一般不少于32学时.
    study_hours_required: int = Field(default=32, ge=1, le=200)
    #: Whether a meeting made up later (补学) counts its 学时 for the member (false: only meetings attended).
    study_counts_makeup: bool = False
    #: How near the venue a shared location must be, in metres.
    checkin_radius_m: int = Field(default=300, ge=10, le=5000)
    #: For drills and fault tests only: the bot acts as if it were this many seconds later than the clock.
    clock_offset_seconds: float = 0
    # Operations (issue 16): automatic backups and the log file.
    #: Where the daily backups go; empty: `backups/` next to the database (data/backups by default).
    backup_dir: Path | None = None
    #: Local time (TIMEZONE) of the daily backup, HH:MM; `off` (or empty): no automatic backups.
    backup_time: str = "03:00"
    #: How many daily backups are kept (the first of each month is kept for a year besides).
    backup_keep: int = 14
    #: When set, logs go to this file, rotated by size (LOG_MAX_BYTES, LOG_BACKUPS old files); else stderr.
    log_file: Path | None = None
    log_max_bytes: int = 5_000_000
    log_backups: int = 5

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            return [int(p) for p in parts]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in ("zh", "en"):
            raise ValueError("DEFAULT_LANGUAGE must be zh or en")
        return value

    @field_validator("report_cadence_default")
    @classmethod
    def _cadence(cls, value: str) -> str:
        if value not in ("monthly", "quarterly"):
            raise ValueError("REPORT_CADENCE_DEFAULT must be monthly or quarterly")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown TIMEZONE {value!r}, e.g. Asia/Shanghai") from exc
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"DIGEST_TIME must look like 09:00, not {value!r}") from exc
        return value

    @field_validator("meeting_reminders")
    @classmethod
    def _stages(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                parse_duration(part)
        return value

    @field_validator("ledger_required")
    @classmethod
    def _ledger(cls, value: str) -> str:
        parse_required(value)
        return value

    @field_validator("checkin_proof")
    @classmethod
    def _proof(cls, value: str) -> str:
        parse_proof(value)
        return value

    @field_validator("records_from")
    @classmethod
    def _records_from(cls, value: str) -> str:
        if value.strip():
            try:
                date.fromisoformat(value.strip())
            except ValueError as exc:
                raise ValueError(f"RECORDS_FROM must be a date like 2026-12-01 (or empty), not {value!r}") from exc
        return value

    @field_validator("care_festivals")
    @classmethod
    def _festivals(cls, value: str) -> str:
        parse_festivals(value)
        return value

    @field_validator("broadcast_rate", "reminder_sweep_seconds", "persistence_seconds")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value

    @field_validator("backup_dir", "log_file", mode="before")
    @classmethod
    def _empty_path(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("backup_time")
    @classmethod
    def _backup_time(cls, value: str) -> str:
        parse_backup_time(value)
        return value

    @field_validator("backup_keep", "log_max_bytes")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("log_backups")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 or more")
        return value

    @property
    def backups(self) -> Path:
        """The folder of the daily backups."""
        return self.backup_dir if self.backup_dir is not None else self.database_path.parent / "backups"

    @property
    def backup_at(self) -> time | None:
        """The local time of the daily backup, or None when automatic backups are off."""
        return parse_backup_time(self.backup_time)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def quiet(self) -> tuple[time, time] | None:
        return parse_quiet_hours(self.quiet_hours)

    @cached_property
    def digest_at(self) -> time:
        return time.fromisoformat(self.digest_time.strip())

    @cached_property
    def meeting_stages(self) -> list[timedelta]:
        return sorted((parse_duration(p) for p in self.meeting_reminders.split(",") if p.strip()), reverse=True)

    @cached_property
    def records_start(self) -> date | None:
        """RECORDS_FROM as a date, or None (the bot has kept the record from the start)."""
        return date.fromisoformat(self.records_from.strip()) if self.records_from.strip() else None

    @cached_property
    def proofs(self) -> frozenset[str]:
        """What proves presence at a meeting held 现场: code and / or location; empty when none is asked."""
        return parse_proof(self.checkin_proof)

    @cached_property
    def ledger_requirements(self) -> tuple[Requirement, ...]:
        return parse_required(self.ledger_required)

    @property
    def api_base(self) -> str:
        """Base for Bot API calls; PTB appends the token. Accepts the URL with or without `/bot`."""
        base = self.telegram_api_base_url.rstrip("/")
        return base if base.endswith("/bot") else base + "/bot"

    @property
    def file_base(self) -> str:
        base = self.api_base
        return base[: -len("/bot")] + "/file/bot"
