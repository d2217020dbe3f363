"""The roster's rules of the registers (issues 24 and 25): between 党费类别, 党费基数 and 月交党费, and of a row
whose 党员类别 is 入党申请人, 入党积极分子 or 发展对象 (in the 发展党员 register, not a member). Pure functions, the
same shape as `bot.services.members.roster_columns`, kept apart so the two grow without meeting."""

from __future__ import annotations

from typing import Any

from bot.domain import dues


def dues_rule(values: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """党费: a base or an amount needs its category; the category's rule (`bot.domain.dues.make_rule`) must
    accept them (a base for 在职 / 离退休, not less than the rule, a farmer's 0.2–1 元)."""
    if "dues_category" not in values:
        return []  # the cell was refused: that is the problem to fix
    category = values["dues_category"]
    if category is None:
        given = [c for c in ("dues_base", "dues_amount") if values.get(c) is not None]
        return [(c, "roster.err.dues_without_category", {}) for c in given[:1]]
    if "dues_base" not in values or "dues_amount" not in values:
        return []  # a cell already refused
    try:
        dues.make_rule(dues.Category(category), values["dues_base"], values["dues_amount"])
    except dues.Refused as refused:
        column = "dues_amount" if refused.key in ("dues.err.less_than_rule", "dues.err.farmer_range") else "dues_base"
        return [(column, "roster.err." + refused.key.replace("dues.err.", "dues_"), refused.params)]
    return []


def not_yet_a_member(values: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """入党申请人, 积极分子 and 发展对象 are not members (发展党员工作细则): no office, no post, no dates of joining,
    no dues yet."""
    out: list[tuple[str, str, dict[str, str]]] = []
    for column in ("roles", "committee", "posts", "joined", "confirmed", "dues_category", "liaison"):
        if values.get(column):
            out.append((column, "roster.err.not_yet_member", {}))
    return out
