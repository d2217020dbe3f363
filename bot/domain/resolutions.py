"""Whether a resolution (决议) passed, by the rules, as pure functions over plain numbers (docs/PRODUCT.md §5).

Who decides, and what a pass needs:

- 支部党员大会 (`general`): a vote may be held only with more than half of the members with a vote (表决权)
  present, and a resolution passes when 赞成 exceeds half of the members with a vote **expected**
  (应到会有表决权的党员), not of those present (《中国共产党支部工作条例（试行）》第十一条).
- 接收预备党员 (`admit`) and 预备党员转正 (`confirm`): as above, and the written opinions (书面意见) handed in
  before the meeting by members with a vote who could not attend count with the votes
  (《中国共产党发展党员工作细则》). They can come only from those not present: at most 应到 − 实到 of them.
- 选举 (`election`): the meeting is valid only with more than four fifths of those with a vote (选举权) present,
  and a candidate is elected with more than half of the votes of those present with a vote
  (《中国共产党基层组织选举工作条例》).
- 支委会 / 党委会 (`committee`, `party_committee`): more than half of the committee present
  (《中国共产党支部工作条例（试行）》第十二条), and a resolution passes when 赞成 exceeds half of the committee
  members expected, as for the 党员大会.
- Other meetings (党小组会, 党课, 主题党日…) count no quorum: what they record passes with more than half of those
  present.

接收预备党员, 转正, 选举 and 处分 are decided by the 支部党员大会 only (第十一条: its powers), so they are refused at
any other meeting. Nothing here imports the rest of the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ResolutionKind(StrEnum):
    """The kind of a resolution, in the order the buttons offer them."""

    ORDINARY = "ordinary"  # 一般事项
    ADMIT = "admit"  # 接收预备党员
    CONFIRM = "confirm"  # 预备党员转正
    ELECTION = "election"  # 选举
    DISCIPLINE = "discipline"  # 处分


ORDINARY, ADMIT, CONFIRM, ELECTION, DISCIPLINE = tuple(ResolutionKind)
#: Every kind of resolution, in the order the buttons offer them.
KINDS: tuple[ResolutionKind, ...] = tuple(ResolutionKind)
#: Kinds whose written opinions (书面意见) are counted with the votes.
WRITTEN = frozenset({ADMIT, CONFIRM})
#: Kinds only a 支部党员大会 decides.
ASSEMBLY_ONLY = frozenset({ADMIT, CONFIRM, ELECTION, DISCIPLINE})

#: Who counts, for a meeting: members with a vote (支部党员大会), committee members (支委会, 党委会), or those
#: present (a meeting with no quorum of its own).
VOTERS, COMMITTEE, PRESENT = "voters", "committee", "present"
#: What a pass is measured against.
EXPECTED_VOTERS = "expected_voters"  # 应到会有表决权的党员
EXPECTED_COMMITTEE = "expected_committee"  # 应到会委员
PRESENT_VOTERS = "present_voters"  # 实到会有选举权的党员 (an election)
PRESENT_ALL = "present_all"  # 到会的人 (meetings with no quorum)


@dataclass(frozen=True)
class Body:
    """Who may decide at one meeting: `basis` (VOTERS, COMMITTEE, PRESENT), how many are expected and how many
    are present. For PRESENT, `expected` is everyone expected and `present` 实到."""

    basis: str
    expected: int
    present: int


@dataclass(frozen=True)
class Threshold:
    """What a pass needs: more than half of `base` (`rule` says of whom), so at least `needed` 赞成."""

    rule: str
    base: int
    needed: int


@dataclass(frozen=True)
class Problem:
    """Why figures are refused: `key` (under minutes.err.) and its values."""

    key: str
    params: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Votes:
    """赞成, 反对, 弃权."""

    yes: int
    no: int
    abstain: int

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


NO_VOTES = Votes(0, 0, 0)


def more_than_half(count: int) -> int:
    """The least whole number that is more than half of `count` (13 of 24, 13 of 25)."""
    return count // 2 + 1


def more_than_four_fifths(count: int) -> int:
    """The least whole number that is more than four fifths of `count` (20 of 24, 21 of 25)."""
    return count * 4 // 5 + 1


def kinds_for(basis: str) -> tuple[ResolutionKind, ...]:
    """The kinds of resolution a meeting may record: every kind at a 支部党员大会, ordinary ones elsewhere."""
    return KINDS if basis == VOTERS else (ORDINARY,)


def quorum_problem(kind: str, body: Body) -> Problem | None:
    """Whether enough are present to decide at all (refused before any figure is asked)."""
    if kind in ASSEMBLY_ONLY and body.basis != VOTERS:
        return Problem("assembly_only")
    if body.basis == PRESENT and body.present == 0:
        return Problem("nobody")
    if kind == ELECTION:
        needed = more_than_four_fifths(body.expected)
        if body.present < needed:
            return Problem("election_quorum", {"expected": body.expected, "present": body.present, "needed": needed})
        return None
    if body.basis in (VOTERS, COMMITTEE) and body.present < more_than_half(body.expected):
        return Problem("no_quorum", {"expected": body.expected, "present": body.present})
    return None


def threshold(kind: str, body: Body) -> Threshold:
    """What this kind of resolution needs to pass at this meeting."""
    if kind == ELECTION:
        return Threshold(PRESENT_VOTERS, body.present, more_than_half(body.present))
    if body.basis == VOTERS:
        return Threshold(EXPECTED_VOTERS, body.expected, more_than_half(body.expected))
    if body.basis == COMMITTEE:
        return Threshold(EXPECTED_COMMITTEE, body.expected, more_than_half(body.expected))
    return Threshold(PRESENT_ALL, body.present, more_than_half(body.present))


def written_limit(body: Body) -> int:
    """How many written opinions there can be: one from each member with a vote who is not present."""
    return max(0, body.expected - body.present)


def check_votes(body: Body, votes: Votes) -> Problem | None:
    """The votes cast at the meeting: some, and never more than may vote there."""
    if votes.cast > body.present:
        return Problem("over", {"cast": votes.cast, "limit": body.present})
    if votes.cast == 0:
        return Problem("none", {"limit": body.present})
    return None


def check_written(kind: str, body: Body, written: Votes) -> Problem | None:
    """Written opinions: only where the rule counts them, and no more than the absent voters."""
    if written.cast == 0:
        return None
    if kind not in WRITTEN:
        return Problem("written_not_counted")
    limit = written_limit(body)
    if written.cast > limit:
        return Problem("written_over", {"cast": written.cast, "limit": limit})
    return None


@dataclass(frozen=True)
class Decision:
    """The outcome of a resolution: passed or not, against `threshold`, with the 赞成 counted (`counted`,
    written opinions included where they count)."""

    passed: bool
    threshold: Threshold
    counted: int


def decide(kind: str, body: Body, votes: Votes, written: Votes = NO_VOTES) -> Decision | Problem:
    """通过 / 未通过 of a resolution, or why its figures cannot stand against the record."""
    problem = quorum_problem(kind, body) or check_votes(body, votes) or check_written(kind, body, written)
    if problem is not None:
        return problem
    rule = threshold(kind, body)
    counted = votes.yes + (written.yes if kind in WRITTEN else 0)
    return Decision(counted >= rule.needed, rule, counted)
