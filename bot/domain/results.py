"""What a use case answers, as plain data: no Telegram, so any front end can render it.

A `Reply` is one message to the person who acted: a catalogue key with its values (rendered in the
reader's language by the front end), or text a rules module already rendered (`html`, Telegram's small
HTML subset that a 企业微信 adapter would turn into its own markup), plus buttons as rows of
`{"text", "data"}` (data from a capability's `buttons` module) or `{"text", "url"}`. `alert` marks the short
answer to a button press (a pop-up).

A use case that decides to send something to other people writes the outbox rows itself, in the
transaction that records the decision (crash-safe), and says how many it `queued` so the front end wakes
its sender.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Buttons = list[list[dict[str, str]]]


@dataclass(frozen=True)
class Reply:
    key: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    html: str | None = None
    buttons: Buttons | None = None
    alert: bool = False
    #: An image sent with the text as its caption (a check-in QR code).
    photo: bytes | None = None
    #: A keyboard of one button that shares the person's location, labelled by this catalogue key.
    location_button: str | None = None
    #: Take away a keyboard shown before (once the location was shared).
    remove_keyboard: bool = False


def say(key: str, *, buttons: Buttons | None = None, **params: object) -> Reply:
    """A message from the catalogue."""
    return Reply(key=key, params=params, buttons=buttons)


def alert(key: str, **params: object) -> Reply:
    """The pop-up answer to a button press."""
    return Reply(key=key, params=params, alert=True)


def shown(html: str, buttons: Buttons | None = None) -> Reply:
    """Text a rules module rendered already."""
    return Reply(html=html, buttons=buttons)


@dataclass(frozen=True)
class Result:
    """A use case's outcome: the answers, in order, and how many outbox rows it queued."""

    replies: tuple[Reply, ...] = ()
    queued: int = 0

    @classmethod
    def of(cls, *replies: Reply, queued: int = 0) -> Result:
        return cls(tuple(replies), queued)
