"""Invite links: `https://t.me/<bot>?start=<code>`."""

from __future__ import annotations


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
