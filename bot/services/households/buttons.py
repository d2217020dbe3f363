"""/visit and residents' requests: the button payloads of households."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload
from bot.services.households.requests_rules import RequestAction, Satisfaction

HOUSEHOLDS = "hh"


@dataclass(frozen=True)
class HouseholdPick(Payload):
    """/visit: the household visited."""

    PREFIX: ClassVar[str] = "hh:pick"
    household_id: int


@dataclass(frozen=True)
class VisitNoRequest(Payload):
    """/visit: the household asked for nothing."""

    PREFIX: ClassVar[str] = "hh:noreq"


REQUESTS = "rq"


@dataclass(frozen=True)
class RequestOpen(Payload):
    """/requests: show one request with what can be done with it."""

    PREFIX: ClassVar[str] = "rq:open"
    request_id: int


@dataclass(frozen=True)
class RequestAct(Payload):
    """A request moved on: start, resolve, up, take, committee, back (`requests_rules.ACTIONS`)."""

    PREFIX: ClassVar[str] = "rq:act"
    request_id: int
    action: RequestAction


@dataclass(frozen=True)
class RequestRate(Payload):
    """A resolved request: the resident's satisfaction as told to the member."""

    PREFIX: ClassVar[str] = "rq:rate"
    request_id: int
    rating: Satisfaction
