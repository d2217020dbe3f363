"""Conversation drafts: what a person has entered so far in a step-by-step flow (/notice, /report, /status,
/patrol …), kept between their messages and across a restart.

Every draft is a frozen pydantic model deriving from `Draft`, named by a stable `flow` ("notices.compose") —
its tag in one union of every draft — and a `VERSION`. Declaring the class registers it under that name;
`bot.services.registry` imports every module that declares one. A stored draft names its flow and version,
never a module or a class, so moving or renaming the code of a flow does not lose the drafts in progress,
and nothing but a registered draft (with the enums its fields are typed with) is ever rebuilt from storage.

A change to a draft's fields that an older stored draft would not fit raises `VERSION`; `upgrade` may turn
the older fields into the new ones, else such a draft is dropped and the person starts the step over.
"""

from __future__ import annotations

import re
from enum import Enum
from types import UnionType
from typing import Annotated, Any, ClassVar, Self, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_FLOWS: dict[str, type[Draft]] = {}
_UNION: list[TypeAdapter[Any]] = []  # the union of every registered draft, built when first needed


class DraftRefused(ValueError):
    """A stored draft that is not restored: an unknown flow, an incompatible version, fields that do not fit.
    The message names the flow, never the content."""


class Draft(BaseModel):
    """Base of every conversation draft. A subclass sets `flow: Literal["<capability>.<step>"] = "…"`, the
    tag it is stored and recognised by, and `VERSION` when its fields change incompatibly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    flow: str
    VERSION: ClassVar[int] = 1

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = cls.model_fields["flow"].default
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise TypeError(f"{cls.__qualname__}: a draft needs a stable flow name such as 'notices.compose'")
        known = _FLOWS.get(name)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"draft flow {name!r} of {cls.__qualname__} is taken by {known.__qualname__}")
        _FLOWS[name] = cls  # the same class again (its module reloaded or moved) takes the name over
        _UNION.clear()

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, validated as the draft itself is."""
        return self.model_validate({**self.model_dump(), **changes})

    @classmethod
    def flow_name(cls) -> str:
        """The stable name of this kind of draft (its `flow`)."""
        return str(cls.model_fields["flow"].default)

    @classmethod
    def upgrade(cls, version: int, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The fields of this draft as stored by an older `version` turned into today's, or None when they
        cannot be (the draft is dropped). No upgrade is known until a flow declares one."""
        return None


def flows() -> dict[str, type[Draft]]:
    """Every registered draft by its flow name."""
    return dict(_FLOWS)


def _union() -> TypeAdapter[Any]:
    if not _UNION:
        kinds = tuple(_FLOWS.values())
        if len(kinds) == 1:
            _UNION.append(TypeAdapter(kinds[0]))
        else:
            tagged: Any = Annotated[Union[kinds], Field(discriminator="flow")]  # noqa: UP007
            _UNION.append(TypeAdapter(tagged))
    return _UNION[0]


def dump(draft: Draft) -> dict[str, Any]:
    """The JSON-ready form of a draft: its flow, version and fields (no module or class names)."""
    kind = type(draft)
    if _FLOWS.get(draft.flow) is not kind:
        raise DraftRefused(f"draft flow {draft.flow!r} is not registered")
    return {"$draft": draft.flow, "version": kind.VERSION, "fields": draft.model_dump(mode="json", exclude={"flow"})}


def restore(name: str, version: int, fields: dict[str, Any]) -> Draft:
    """The draft stored as `fields` by `version` of flow `name`, through the union of registered drafts;
    `DraftRefused` when it is not one of them, of another version that cannot be upgraded, or does not fit."""
    kind = _FLOWS.get(name)
    if kind is None:
        raise DraftRefused(f"no draft flow {name!r}")
    if version != kind.VERSION:
        upgraded = kind.upgrade(version, dict(fields)) if version < kind.VERSION else None
        if upgraded is None:
            raise DraftRefused(f"draft {name!r} version {version} cannot become version {kind.VERSION}")
        fields = upgraded
    try:
        draft = _union().validate_python({**fields, "flow": name})
    except ValidationError as exc:  # said by field, never by value
        where = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors(include_input=False))
        raise DraftRefused(f"draft {name!r} does not fit: {where}") from None
    assert isinstance(draft, kind)
    return draft


def _enums_of(annotation: Any, seen: set[type]) -> set[type[Enum]]:
    found: set[type[Enum]] = set()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        found.add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
        seen.add(annotation)
        for spec in annotation.model_fields.values():
            found |= _enums_of(spec.annotation, seen)
    elif isinstance(annotation, UnionType) or get_args(annotation):
        for arg in get_args(annotation):
            found |= _enums_of(arg, seen)
    return found


def enums() -> set[type[Enum]]:
    """The enums the fields of registered drafts are typed with: the only enums ever rebuilt from storage."""
    seen: set[type] = set()
    return {e for kind in _FLOWS.values() for e in _enums_of(kind, seen)}
