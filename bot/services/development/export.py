"""`development.csv` and `development_steps.csv` (发展党员台账, issue 24): the register of the secretary's units, one
row per person with the day of each step, and every step as recorded. Like the workbook's two sheets, neither holds
a birth day (the month only) or a 政审 conclusion (its day only). A branch takes in a few people a year, so the
register is read whole, not streamed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

from bot.domain.rights import OrgTree
from bot.services.development import common
from bot.services.development.rules import Step
from bot.services.kernel.export_time import local
from bot.store import Store
from bot.store.development import Person
from bot.store.development_reports import SELF_NOTE

REGISTER_HEADER = [
    "id",
    "name",
    "branch",
    "birth_month",
    "stage",
    "since",
    "applied",
    "talk",
    "activist",
    "contacts",
    "candidate",
    "introducers",
    "vetting",
    "training",
    "publicity",
    "publicity_ends",
    "admitted",
    "approved",
    "oath",
    "probation_ends",
    "confirmed",
    "reports",
    "last_report",
]
STEPS_HEADER = [
    "id",
    "person_id",
    "name",
    "branch",
    "step",
    "on",
    "months",
    "people",
    "note",
    "meeting",
    "recorded_by",
    "recorded_at",
    "ends_on",
]
#: Each step's note in the file: a 政审 conclusion is the branch's alone (the one-record view shows it).
_HIDDEN = frozenset({Step.VETTING.value})


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _first(person: Person, step: Step) -> tuple[str, str]:
    """The day of the step's latest record and the people it named (公示: its 公示期's first day)."""
    found = [s for s in person.steps if s.step == step.value]
    return (_day(found[-1].on), found[-1].people) if found else ("", "")


def register_row(person: Person, tree: OrgTree) -> list[object]:
    record = common.record_of(person)
    stage, since, _ = common.stage_of(person)
    reports = [s.on for s in person.steps if s.step == Step.REPORT.value]
    days = {step: _first(person, step) for step in Step}
    shown = [s for s in person.steps if s.step == Step.PUBLICITY.value]
    return [
        person.id,
        person.name,
        tree.name(person.unit_id),
        person.birth.strftime("%Y-%m") if person.birth else "",
        stage,
        _day(since),
        days[Step.APPLY][0],
        days[Step.TALK][0],
        days[Step.ACTIVIST][0],
        days[Step.ACTIVIST][1],
        days[Step.CANDIDATE][0],
        days[Step.CANDIDATE][1],
        days[Step.VETTING][0],
        days[Step.TRAINING][0],
        days[Step.PUBLICITY][0],
        _day(shown[-1].ends_on) if shown else "",
        days[Step.ADMIT][0],
        days[Step.APPROVE][0],
        days[Step.OATH][0],
        _day(record.probation_ends) if record.day(Step.ADMIT) else "",
        days[Step.CONFIRM][0],
        len(reports),
        _day(max(reports)) if reports else "",
    ]


async def register_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    for person in await store.development.in_units(units):
        yield register_row(person, tree)


async def step_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    for person in await store.development.in_units(units):
        for s in person.steps:
            note = "" if s.step in _HIDDEN else ("self" if s.note == SELF_NOTE else s.note)
            yield [
                s.id,
                person.id,
                person.name,
                tree.name(person.unit_id),
                s.step,
                _day(s.on),
                s.months or "",
                s.people,
                note,
                f"{s.meeting[0]}/{s.meeting[1]}" if s.meeting else "",
                s.recorded_by_name or "",
                local(s.recorded_at),
                _day(s.ends_on),
            ]
