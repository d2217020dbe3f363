"""The rules of a resolution's outcome (`bot.domain.resolutions`), each threshold on both sides: a 支部党员大会 of 24
with a vote passes with 13 赞成 and fails with 12 (7 is far from it); it may vote with 13 present and not with 12;
written opinions count for admission and 转正 only, and never more than the absent voters; an election needs 20 of
24 present (19 is refused) and elects with more than half of those present; a committee decides by its members."""

from __future__ import annotations

from bot.domain.resolutions import (
    ADMIT,
    COMMITTEE,
    CONFIRM,
    DISCIPLINE,
    ELECTION,
    EXPECTED_COMMITTEE,
    EXPECTED_VOTERS,
    KINDS,
    NO_VOTES,
    ORDINARY,
    PRESENT,
    PRESENT_ALL,
    PRESENT_VOTERS,
    VOTERS,
    Body,
    Decision,
    Problem,
    Votes,
    decide,
    kinds_for,
    more_than_four_fifths,
    more_than_half,
    quorum_problem,
)

ASSEMBLY = Body(VOTERS, 24, 14)


def _passed(kind: str, body: Body, yes: int, written: Votes = NO_VOTES) -> bool:
    decided = decide(kind, body, Votes(yes, 0, 0), written)
    assert isinstance(decided, Decision), decided
    return decided.passed


def _problem(kind: str, body: Body, votes: Votes, written: Votes = NO_VOTES) -> str:
    decided = decide(kind, body, votes, written)
    assert isinstance(decided, Problem), decided
    return decided.key


def test_more_than_half_and_four_fifths() -> None:
    assert [more_than_half(n) for n in (0, 1, 2, 3, 4, 24, 25)] == [1, 1, 2, 2, 3, 13, 13]
    assert [more_than_four_fifths(n) for n in (4, 5, 24, 25)] == [4, 5, 20, 21]


def test_a_vote_of_the_assembly_needs_more_than_half_of_those_expected() -> None:
    assert not _passed(ORDINARY, ASSEMBLY, 7)
    assert not _passed(ORDINARY, ASSEMBLY, 12)
    assert _passed(ORDINARY, ASSEMBLY, 13)
    decided = decide(CONFIRM, ASSEMBLY, Votes(7, 0, 6))
    assert isinstance(decided, Decision)
    assert (decided.passed, decided.threshold.rule, decided.threshold.base, decided.threshold.needed) == (
        False,
        EXPECTED_VOTERS,
        24,
        13,
    )


def test_the_assembly_may_vote_only_with_more_than_half_present() -> None:
    assert quorum_problem(ORDINARY, Body(VOTERS, 24, 13)) is None
    problem = quorum_problem(ORDINARY, Body(VOTERS, 24, 12))
    assert problem == Problem("no_quorum", {"expected": 24, "present": 12})
    assert _problem(ORDINARY, Body(VOTERS, 24, 12), Votes(12, 0, 0)) == "no_quorum"


def test_votes_never_more_than_present_and_never_none() -> None:
    assert _problem(ORDINARY, ASSEMBLY, Votes(10, 3, 2)) == "over"
    assert _passed(ORDINARY, ASSEMBLY, 14) and _problem(ORDINARY, ASSEMBLY, Votes(0, 0, 0)) == "none"


def test_written_opinions_count_for_admission_and_confirmation_only() -> None:
    assert not _passed(CONFIRM, ASSEMBLY, 11, Votes(1, 0, 0))
    assert _passed(CONFIRM, ASSEMBLY, 11, Votes(2, 0, 0))
    assert _passed(ADMIT, ASSEMBLY, 11, Votes(2, 1, 0))
    # ten absent with a vote: ten written opinions at most
    assert _passed(ADMIT, ASSEMBLY, 3, Votes(10, 0, 0))
    assert _problem(ADMIT, ASSEMBLY, Votes(3, 0, 0), Votes(10, 1, 0)) == "written_over"
    assert _problem(ORDINARY, ASSEMBLY, Votes(11, 0, 0), Votes(2, 0, 0)) == "written_not_counted"
    assert _problem(DISCIPLINE, ASSEMBLY, Votes(11, 0, 0), Votes(2, 0, 0)) == "written_not_counted"


def test_an_election_needs_more_than_four_fifths_present_and_half_of_those_present() -> None:
    refused = quorum_problem(ELECTION, Body(VOTERS, 24, 19))
    assert refused == Problem("election_quorum", {"expected": 24, "present": 19, "needed": 20})
    body = Body(VOTERS, 24, 20)
    assert quorum_problem(ELECTION, body) is None
    assert not _passed(ELECTION, body, 10) and _passed(ELECTION, body, 11)
    decided = decide(ELECTION, body, Votes(11, 9, 0))
    assert isinstance(decided, Decision) and decided.threshold.rule == PRESENT_VOTERS


def test_a_committee_decides_by_its_members_and_only_ordinary_matters() -> None:
    five = Body(COMMITTEE, 5, 3)
    assert quorum_problem(ORDINARY, five) is None
    assert quorum_problem(ORDINARY, Body(COMMITTEE, 5, 2)) == Problem("no_quorum", {"expected": 5, "present": 2})
    assert not _passed(ORDINARY, five, 2) and _passed(ORDINARY, five, 3)
    decided = decide(ORDINARY, five, Votes(3, 0, 0))
    assert isinstance(decided, Decision) and decided.threshold.rule == EXPECTED_COMMITTEE
    assert kinds_for(COMMITTEE) == (ORDINARY,) and kinds_for(VOTERS) == KINDS
    for kind in (ADMIT, CONFIRM, ELECTION, DISCIPLINE):
        assert quorum_problem(kind, five) == Problem("assembly_only")


def test_other_meetings_decide_by_those_present() -> None:
    group = Body(PRESENT, 8, 5)
    assert not _passed(ORDINARY, group, 2) and _passed(ORDINARY, group, 3)
    decided = decide(ORDINARY, group, Votes(3, 0, 0))
    assert isinstance(decided, Decision) and decided.threshold.rule == PRESENT_ALL
    assert quorum_problem(ORDINARY, Body(PRESENT, 8, 0)) == Problem("nobody")
