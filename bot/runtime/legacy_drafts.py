"""Drafts stored before they had stable names (up to the capability packages of issue 22, and the main just
after it), read without importing or calling anything a stored value names.

Those versions kept each draft in `user_data` under a key of its own handler ("notice_draft", "status" …),
as a plain value (the /notice draft was a dict; a pending leave, comment, rejection or account a number) or
as a dataclass named by `module:qualname` with its fields, tagged in JSON (`$data`, `$dict`, `$tuple`,
`$date`, `$datetime`, `$enum`). Here the key tells which draft it was and which stable name it is now; a
`$data` must name that draft's own type (at its module of today or, through `LEGACY_MODULES`, of before the
move), a nested one one of the few types a draft held; an `$enum` must name an enum a registered draft's
fields are typed with. Anything else is refused (`DraftRefused`): the draft is dropped, nothing is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain import drafts
from bot.domain.drafts import DraftRefused

#: Where each module of a draft's type lived before the capability packages (issue 22): a draft saved by the
#: version before that move names its types by these paths, and is still restored.
LEGACY_MODULES: dict[str, str] = {
    "bot.services.backup": "bot.ops.backup",
    "bot.services.care": "bot.services.care.common",
    "bot.services.care_export": "bot.services.care.export",
    "bot.services.care_reminders": "bot.services.care.reminders",
    "bot.services.care_rules": "bot.services.care.rules",
    "bot.services.care_steps": "bot.services.care.steps",
    "bot.services.care_visits": "bot.services.care.visits",
    "bot.services.commands": "bot.services.kernel.commands",
    "bot.services.core": "bot.services.registry",
    "bot.services.digest": "bot.services.kernel.digest",
    "bot.services.due_meetings": "bot.services.notices.due",
    "bot.services.due_reports": "bot.services.reports.due",
    "bot.services.due_times": "bot.services.kernel.due_times",
    "bot.services.duty": "bot.services.duty.common",
    "bot.services.duty_accounts": "bot.services.duty.accounts",
    "bot.services.duty_catalogue": "bot.services.duty.catalogue",
    "bot.services.duty_claims": "bot.services.duty.claims",
    "bot.services.duty_entry": "bot.services.duty.entry",
    "bot.services.duty_export": "bot.services.duty.export",
    "bot.services.duty_flow": "bot.services.duty.flow",
    "bot.services.duty_followup": "bot.services.duty.followup",
    "bot.services.duty_log": "bot.services.duty.log",
    "bot.services.duty_month": "bot.services.duty.month",
    "bot.services.duty_points": "bot.services.duty.points",
    "bot.services.duty_posts": "bot.services.duty.posts",
    "bot.services.duty_publicity": "bot.services.duty.publicity",
    "bot.services.duty_review": "bot.services.duty.review",
    "bot.services.duty_rules": "bot.services.duty.rules",
    "bot.services.duty_view": "bot.services.duty.view",
    "bot.services.export": "bot.services.exports.export",
    "bot.services.export_reports": "bot.services.reports.export",
    "bot.services.export_time": "bot.services.kernel.export_time",
    "bot.services.health": "bot.ops.health",
    "bot.services.households": "bot.services.households.common",
    "bot.services.households_due": "bot.services.households.due",
    "bot.services.households_export": "bot.services.households.export",
    "bot.services.households_import": "bot.services.households.importing",
    "bot.services.households_visit": "bot.services.households.visit",
    "bot.services.invites": "bot.services.members.invites",
    "bot.services.ledger": "bot.services.ledger.overview",
    "bot.services.ledger_grid": "bot.services.ledger.grid",
    "bot.services.ledger_nudges": "bot.services.ledger.nudges",
    "bot.services.ledger_rules": "bot.domain.ledger",
    "bot.services.ledger_text": "bot.services.ledger.text",
    "bot.services.minutes": "bot.services.minutes.flow",
    "bot.services.minutes_export": "bot.services.minutes.export",
    "bot.services.minutes_rules": "bot.services.minutes.rules",
    "bot.services.minutes_text": "bot.services.minutes.text",
    "bot.services.notices": "bot.services.notices.common",
    "bot.services.notices_attendance": "bot.services.notices.attendance",
    "bot.services.notices_audience": "bot.services.notices.audience",
    "bot.services.notices_broadcast": "bot.services.notices.broadcast",
    "bot.services.notices_compose": "bot.services.notices.compose",
    "bot.services.notices_edits": "bot.services.notices.edits",
    "bot.services.notices_export": "bot.services.notices.export",
    "bot.services.notices_leave": "bot.services.notices.leave",
    "bot.services.notices_ledger": "bot.services.notices.ledger",
    "bot.services.notices_manage": "bot.services.notices.manage",
    "bot.services.notices_text": "bot.services.notices.text",
    "bot.services.ops": "bot.ops.common",
    "bot.services.ops_lock": "bot.ops.lock",
    "bot.services.ops_logging": "bot.ops.logs",
    "bot.services.organisation": "bot.services.members.organisation",
    "bot.services.organisation_rules": "bot.domain.organisation",
    "bot.services.organisation_text": "bot.services.members.organisation_text",
    "bot.services.pages": "bot.services.kernel.pages",
    "bot.services.people": "bot.services.members.people",
    "bot.services.periods": "bot.domain.periods",
    "bot.services.reminders": "bot.services.kernel.reminders",
    "bot.services.reports": "bot.services.reports.common",
    "bot.services.reports_contact": "bot.services.reports.contact",
    "bot.services.reports_mobile": "bot.services.reports.mobile",
    "bot.services.reports_read": "bot.services.reports.read",
    "bot.services.reports_view": "bot.services.reports.view",
    "bot.services.reports_write": "bot.services.reports.write",
    "bot.services.requests": "bot.services.households.requests",
    "bot.services.requests_flow": "bot.services.households.requests_flow",
    "bot.services.requests_rules": "bot.services.households.requests_rules",
    "bot.services.restore": "bot.ops.restore",
    "bot.services.results": "bot.domain.results",
    "bot.services.rights": "bot.domain.rights",
    "bot.services.roster": "bot.services.members.roster",
    "bot.services.roster_columns": "bot.services.members.roster_columns",
    "bot.services.roster_headers": "bot.services.members.roster_headers",
    "bot.services.roster_import": "bot.services.members.roster_import",
    "bot.services.roster_values": "bot.services.members.roster_values",
    "bot.services.status": "bot.services.reports.status",
    "bot.services.status_members": "bot.services.reports.status_members",
    "bot.services.status_steps": "bot.services.reports.status_steps",
    "bot.services.text": "bot.services.kernel.text",
    "bot.services.xlsx": "bot.services.exports.workbook",
    "bot.services.xlsx_book": "bot.services.kernel.xlsx_book",
    "bot.services.xlsx_care": "bot.services.care.sheet",
    "bot.services.xlsx_context": "bot.services.kernel.xlsx_context",
    "bot.services.xlsx_duty": "bot.services.duty.sheet",
    "bot.services.xlsx_grid": "bot.services.ledger.sheet",
    "bot.services.xlsx_households": "bot.services.households.sheet",
    "bot.services.xlsx_meetings": "bot.services.notices.sheet",
    "bot.services.xlsx_people": "bot.services.members.sheet",
    "bot.services.xlsx_posts": "bot.services.duty.sheet_posts",
    "bot.services.xlsx_stats": "bot.services.exports.stats",
}


@dataclass(frozen=True)
class Legacy:
    """What one old `user_data` key held: the draft's stable name now, the `module:qualname` its dataclass was
    stored under (none: a plain value), and how the old value becomes the new fields."""

    flow: str
    stored_as: str | None = None
    fields: Callable[[Any], dict[str, Any]] | None = None


def _number(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {name: value}


def _notice(value: Any) -> dict[str, Any]:
    """The /notice draft was a dict; the id of its preview was under "id"."""
    if not isinstance(value, dict):
        raise DraftRefused("the notice draft is not a dict")
    fields = dict(value)
    if "id" in fields:
        fields["preview"] = fields.pop("id")
    return fields


#: Each old `user_data` key, by the handler constant that named it.
LEGACY_KEYS: dict[str, Legacy] = {
    "notice_draft": Legacy("notices.compose", fields=_notice),
    "notice_leave": Legacy("notices.leave", fields=_number("notice_id")),
    "report": Legacy("reports.write", "bot.services.reports.write:ReportDraft"),
    "report_comment": Legacy("reports.comment", fields=_number("report_id")),
    "status": Legacy("reports.status", "bot.services.reports.status_steps:StatusDraft"),
    "duty_draft": Legacy("duty.log", "bot.services.duty.flow:Draft"),
    "duty_rejecting": Legacy("duty.reject", fields=_number("log_id")),
    "duty_account_quarter": Legacy("duty.account", fields=_number("quarter")),
    "minutes_draft": Legacy("minutes.record", "bot.services.minutes.rules:MinutesDraft"),
    "carevisit": Legacy("care.visit", "bot.services.care.steps:VisitDraft"),
    "visit": Legacy("households.visit", "bot.services.households.visit:VisitDraft"),
    "request_action": Legacy("households.request", "bot.services.households.requests_flow:Pending"),
}
#: Types an old draft held inside its fields (a minutes draft's resolutions).
NESTED = frozenset({"bot.services.minutes.rules:DraftResolution"})


def _today(name: object) -> str:
    """A stored `module:qualname` with its module as it is called today."""
    if not isinstance(name, str):
        raise DraftRefused("a type name that is not text")
    module, _, qualname = name.partition(":")
    return f"{LEGACY_MODULES.get(module, module)}:{qualname}"


def _plain(value: Any, top: str | None = None) -> Any:
    """The old tagged JSON as plain values: the fields of a `$data` (the draft's own type when `top` names
    it, else a nested type we know), the value of a known enum; never an import, never a call of a name."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$tuple" in value:
        return [_plain(v) for v in value["$tuple"]]
    if "$dict" in value:
        return {str(k): _plain(v) for k, v in value["$dict"].items()}
    if "$data" in value:
        name = _today(value["$data"])
        if name != top and name not in NESTED:
            raise DraftRefused(f"a stored type that is no draft: {name}")
        fields = value.get("fields")
        if not isinstance(fields, dict):
            raise DraftRefused(f"{name} without its fields")
        return {str(k): _plain(v) for k, v in fields.items()}
    if "$enum" in value:
        name = _today(value["$enum"])
        known = {f"{e.__module__}:{e.__qualname__}": e for e in drafts.enums()}
        if name not in known:
            raise DraftRefused(f"a stored enum that no draft uses: {name}")
        try:
            return known[name](_plain(value.get("value")))
        except ValueError:
            raise DraftRefused(f"a value that {name} does not have") from None
    raise DraftRefused("an untagged object")


def read(key: str, value: Any) -> tuple[str, dict[str, Any]]:
    """The stable name and the fields of the draft an older version kept under `key`."""
    legacy = LEGACY_KEYS.get(key)
    if legacy is None:
        raise DraftRefused(f"no draft was ever kept under {key!r}")
    if legacy.stored_as is None:
        assert legacy.fields is not None
        return legacy.flow, legacy.fields(_plain(value))
    if not (isinstance(value, dict) and "$data" in value and _today(value["$data"]) == legacy.stored_as):
        raise DraftRefused(f"{key!r} does not hold a {legacy.stored_as}")
    return legacy.flow, _plain(value, legacy.stored_as)
