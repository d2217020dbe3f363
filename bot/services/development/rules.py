"""发展党员 as pure rules: the steps of 《中国共产党发展党员工作细则》 (2014), their order, their dates and timers.

A person's record is the list of steps taken, each with its day; everything else is worked out from it: the
stage they are at, what may come next and from which day, what is due and what is late. No I/O here.

The figures (docs/PRODUCT.md, 发展党员, cites the articles):

* 入党申请: the applicant is at least 18 (年满十八岁) on the day of the written application.
* 谈话: within one month of receiving the application.
* 入党积极分子: after the talk; 1–2 培养联系人 (正式党员); a 考察 every half year.
* 发展对象: after at least one year (一年以上) of 培养教育和考察 as 积极分子; 2 入党介绍人 (正式党员); 政治审查;
  短期集中培训 of at least 3 days or 24 学时.
* 接收预备党员: the 支部党员大会 may vote only when more than half of those with a vote who are expected are
  present; it passes when the votes for — counting written opinions of absent voters sent before the meeting —
  are more than half of those with a vote who are expected.
* 上级党委审批: within three months of the 支部党员大会.
* 预备期: one year from the day the 支部党员大会 passed the resolution; 转正 not before it ends; 延长预备期 once,
  at least six months and not more than one year; or 取消预备党员资格.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MIN_AGE = 18
TALK_MONTHS = 1
ACTIVIST_MONTHS = 12  # 一年以上 as 积极分子 before 发展对象
REVIEW_MONTHS = 6  # 考察 each half year
TRAINING_DAYS, TRAINING_HOURS = 3, 24
PUBLICITY_DAYS = 5  # 公示: at least five working days
APPROVAL_MONTHS = 3
PROBATION_MONTHS = 12
EXTENSION_MIN, EXTENSION_MAX = 6, 12
CONTACTS = (1, 2)  # 培养联系人: one or two
INTRODUCERS = 2  # 入党介绍人
#: How long before a timer's day the secretary hears of it (the talk, a 考察); the 转正 reminder comes a month before.
SOON_DAYS = 7


class Step(StrEnum):
    """What a secretary records, in the order of the 细则."""

    APPLY = "apply"  # 递交入党申请书
    TALK = "talk"  # 党组织派人谈话
    ACTIVIST = "activist"  # 确定为入党积极分子 (支委会), 培养联系人
    REVIEW = "review"  # 半年一次的考察 (积极分子, 预备党员)
    CANDIDATE = "candidate"  # 列为发展对象 (支委会), 入党介绍人
    VETTING = "vetting"  # 政治审查
    TRAINING = "training"  # 短期集中培训
    ADMIT = "admit"  # 支部党员大会讨论接收预备党员
    APPROVE = "approve"  # 上级党委审批
    OATH = "oath"  # 入党宣誓
    EXTEND = "extend"  # 延长预备期
    CONFIRM = "confirm"  # 转为正式党员
    CANCEL = "cancel"  # 取消预备党员资格
    REPORT = "report"  # 思想汇报 received (积极分子 and 发展对象 hand one in at least once a quarter)
    PUBLICITY = "publicity"  # 公示 (拟接收 a 发展对象, 拟转正 a 预备党员): at least 5 working days


class Stage(StrEnum):
    """Where a person is, from the steps taken."""

    NONE = "none"
    APPLICANT = "applicant"  # 入党申请人
    ACTIVIST = "activist"  # 入党积极分子
    CANDIDATE = "candidate"  # 发展对象
    ADMITTED = "admitted"  # 支部大会已通过, 待上级党委审批
    PROBATIONARY = "probationary"  # 预备党员
    FULL = "full"  # 正式党员
    CANCELLED = "cancelled"  # 取消预备党员资格


#: The words a secretary may type for each step (English names too).
STEP_WORDS: dict[str, Step] = {
    **{s.value: s for s in Step},
    "入党申请": Step.APPLY,
    "申请": Step.APPLY,
    "谈话": Step.TALK,
    "积极分子": Step.ACTIVIST,
    "入党积极分子": Step.ACTIVIST,
    "考察": Step.REVIEW,
    "发展对象": Step.CANDIDATE,
    "政审": Step.VETTING,
    "政治审查": Step.VETTING,
    "培训": Step.TRAINING,
    "集中培训": Step.TRAINING,
    "支部大会": Step.ADMIT,
    "接收": Step.ADMIT,
    "接收预备党员": Step.ADMIT,
    "审批": Step.APPROVE,
    "上级审批": Step.APPROVE,
    "宣誓": Step.OATH,
    "入党宣誓": Step.OATH,
    "延长": Step.EXTEND,
    "延长预备期": Step.EXTEND,
    "转正": Step.CONFIRM,
    "取消": Step.CANCEL,
    "取消资格": Step.CANCEL,
    "思想汇报": Step.REPORT,
    "汇报": Step.REPORT,
    "公示": Step.PUBLICITY,
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (01-31 + 1 month → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_on(birth: date, on: date) -> int:
    years = on.year - birth.year
    return years - 1 if (on.month, on.day) < (birth.month, birth.day) else years


def old_enough(birth: date, applied: date) -> bool:
    """年满十八岁 on the day of the application (the 18th birthday itself counts)."""
    return age_on(birth, applied) >= MIN_AGE


def talk_deadline(applied: date) -> date:
    """The last day of the talk: one month after the application."""
    return add_months(applied, TALK_MONTHS)


def candidate_from(activist_on: date) -> date:
    """The first day an 积极分子 may be listed as 发展对象: one full year after being chosen."""
    return add_months(activist_on, ACTIVIST_MONTHS)


def next_review(since: date) -> date:
    """The day the next half-yearly 考察 is due, from the stage's start or the last 考察."""
    return add_months(since, REVIEW_MONTHS)


def approval_deadline(admitted: date) -> date:
    """The last day for 上级党委审批: three months after the 支部党员大会."""
    return add_months(admitted, APPROVAL_MONTHS)


def probation_end(admitted: date, extended_months: int = 0) -> date:
    """The day the 预备期 is over: a year (and any extension) after the 支部党员大会 passed the resolution."""
    return add_months(admitted, PROBATION_MONTHS + extended_months)


def training_enough(days: float, hours: float) -> bool:
    """短期集中培训: at least 3 days or at least 24 学时."""
    return days >= TRAINING_DAYS or hours >= TRAINING_HOURS


def extension_allowed(months: int) -> bool:
    """延长预备期: at least six months, not more than one year."""
    return EXTENSION_MIN <= months <= EXTENSION_MAX


@dataclass(frozen=True)
class Vote:
    """The 支部党员大会's count on one person: `expected` with a vote (应到), `present` with a vote (实到),
    `for_` present and for, `written_for` absent voters' written opinions for, sent before the meeting."""

    expected: int
    present: int
    for_: int
    written_for: int = 0

    @property
    def consistent(self) -> bool:
        return (
            0 <= self.present <= self.expected
            and 0 <= self.for_ <= self.present
            and 0 <= self.written_for <= self.expected - self.present
        )

    @property
    def quorum(self) -> bool:
        """有表决权的到会人数超过应到会有表决权人数的半数."""
        return 2 * self.present > self.expected

    @property
    def passed(self) -> bool:
        """赞成人数 (with written opinions) 超过应到会有表决权的正式党员的半数, with the quorum met."""
        return self.consistent and self.quorum and 2 * (self.for_ + self.written_for) > self.expected


@dataclass(frozen=True)
class Taken:
    """One step of a record: what, on which day, and the number of months for an extension."""

    step: Step
    on: date
    months: int = 0


@dataclass(frozen=True)
class Record:
    """A person's steps, oldest first, as the rules read them."""

    steps: tuple[Taken, ...]

    def last(self, step: Step) -> Taken | None:
        return next((s for s in reversed(self.steps) if s.step is step), None)

    def day(self, step: Step) -> date | None:
        taken = self.last(step)
        return taken.on if taken else None

    @property
    def stage(self) -> Stage:
        done = {s.step for s in self.steps}
        for step, stage in (
            (Step.CANCEL, Stage.CANCELLED),
            (Step.CONFIRM, Stage.FULL),
            (Step.APPROVE, Stage.PROBATIONARY),
            (Step.ADMIT, Stage.ADMITTED),
            (Step.CANDIDATE, Stage.CANDIDATE),
            (Step.ACTIVIST, Stage.ACTIVIST),
            (Step.APPLY, Stage.APPLICANT),
        ):
            if step in done:
                return stage
        return Stage.NONE

    @property
    def since(self) -> date | None:
        """The day the current stage began (the 支部大会 for 预备党员 too: the 预备期 counts from it)."""
        stage = self.stage
        step = {
            Stage.APPLICANT: Step.APPLY,
            Stage.ACTIVIST: Step.ACTIVIST,
            Stage.CANDIDATE: Step.CANDIDATE,
            Stage.ADMITTED: Step.ADMIT,
            Stage.PROBATIONARY: Step.ADMIT,
            Stage.FULL: Step.CONFIRM,
            Stage.CANCELLED: Step.CANCEL,
        }.get(stage)
        return self.day(step) if step else None

    @property
    def extended_months(self) -> int:
        taken = self.last(Step.EXTEND)
        return taken.months if taken else 0

    @property
    def probation_ends(self) -> date | None:
        admitted = self.day(Step.ADMIT)
        return probation_end(admitted, self.extended_months) if admitted else None

    @property
    def review_due(self) -> date | None:
        """The next half-yearly 考察 of an 积极分子 or 预备党员 (from the stage's start or the last 考察 in it)."""
        stage = self.stage
        if stage not in (Stage.ACTIVIST, Stage.PROBATIONARY):
            return None
        start = self.day(Step.ACTIVIST if stage is Stage.ACTIVIST else Step.ADMIT)
        if start is None:
            return None
        reviews = [s.on for s in self.steps if s.step is Step.REVIEW and s.on >= start]
        return next_review(max([start, *reviews]))


@dataclass(frozen=True)
class Refusal:
    """Why a step cannot be recorded: a catalogue key (under `development.rule.`) and its values."""

    key: str
    params: dict[str, str]


def _no(key: str, **params: object) -> Refusal:
    return Refusal(key, {k: str(v) for k, v in params.items()})


#: The stage each step needs.
NEEDS: dict[Step, tuple[Stage, ...]] = {
    Step.APPLY: (Stage.NONE,),
    Step.TALK: (Stage.APPLICANT,),
    Step.ACTIVIST: (Stage.APPLICANT,),
    Step.REVIEW: (Stage.ACTIVIST, Stage.PROBATIONARY),
    Step.CANDIDATE: (Stage.ACTIVIST,),
    Step.VETTING: (Stage.CANDIDATE,),
    Step.TRAINING: (Stage.CANDIDATE,),
    Step.ADMIT: (Stage.CANDIDATE,),
    Step.APPROVE: (Stage.ADMITTED,),
    Step.OATH: (Stage.PROBATIONARY,),
    Step.EXTEND: (Stage.PROBATIONARY,),
    Step.CONFIRM: (Stage.PROBATIONARY,),
    Step.CANCEL: (Stage.PROBATIONARY,),
    Step.REPORT: (Stage.ACTIVIST, Stage.CANDIDATE, Stage.ADMITTED, Stage.PROBATIONARY),
    Step.PUBLICITY: (Stage.CANDIDATE, Stage.PROBATIONARY),
}
#: Steps taken once in a record.
ONCE = frozenset({Step.TALK, Step.VETTING, Step.TRAINING, Step.OATH, Step.EXTEND})


def check(record: Record, taken: Taken, today: date) -> Refusal | None:
    """Whether the step `taken` may be recorded on its day (None: it may), naming the rule that refuses it."""
    step, on, months = taken.step, taken.on, taken.months
    stage = record.stage
    if on > today:
        return _no("future", day=on.isoformat())
    if stage not in NEEDS[step]:
        return _no("order", stage=stage.value, step=step.value)
    if step in ONCE and record.last(step) is not None:
        return _no("once", step=step.value)
    before = max((s.on for s in record.steps if s.step is not Step.REPORT), default=None)  # reports: own clock
    if before is not None and on < before:
        return _no("before_last", day=before.isoformat())
    if step is Step.ACTIVIST and record.last(Step.TALK) is None:
        return _no("talk_first")
    if step is Step.CANDIDATE:
        chosen = record.day(Step.ACTIVIST)
        assert chosen is not None
        if on < candidate_from(chosen):
            return _no("one_year", since=chosen.isoformat(), day=candidate_from(chosen).isoformat())
    if step is Step.ADMIT:
        missing = [s.value for s in (Step.VETTING, Step.TRAINING) if record.last(s) is None]
        if missing:
            return _no("admit_missing", step=missing[0])
    if step is Step.EXTEND and not extension_allowed(months):
        return _no("extension", months=months)
    if step is Step.CONFIRM:
        ends = record.probation_ends
        assert ends is not None
        if on < ends:
            return _no("probation", day=ends.isoformat())
    return None


class Timer(StrEnum):
    """The timers the sweep reminds of."""

    TALK = "talk"  # the talk, within a month of the application
    REVIEW = "review"  # the half-yearly 考察
    APPROVAL = "approval"  # 上级党委审批 over three months
    PROBATION = "probation"  # the 预备期 ends in a month: the written 转正 application
    REPORT = "report"  # no 思想汇报 yet this quarter (积极分子, 发展对象: not members, so not in the report engine)


@dataclass(frozen=True)
class Pending:
    """A timer running on a record: its day (the deadline), and whether it is late on `today`."""

    timer: Timer
    day: date
    late: bool


def pending(record: Record, today: date) -> list[Pending]:
    """What the record waits for, each with its deadline: the list and the one-record view show these."""
    out: list[Pending] = []
    stage = record.stage
    applied = record.day(Step.APPLY)
    if stage is Stage.APPLICANT and applied is not None and record.last(Step.TALK) is None:
        out.append(Pending(Timer.TALK, talk_deadline(applied), today > talk_deadline(applied)))
    due = record.review_due
    if due is not None:
        out.append(Pending(Timer.REVIEW, due, today > due))
    admitted = record.day(Step.ADMIT)
    if stage is Stage.ADMITTED and admitted is not None:
        out.append(Pending(Timer.APPROVAL, approval_deadline(admitted), today > approval_deadline(admitted)))
    ends = record.probation_ends
    if stage is Stage.PROBATIONARY and ends is not None:
        out.append(Pending(Timer.PROBATION, ends, today > ends))
    if stage in (Stage.ACTIVIST, Stage.CANDIDATE) and not reported_this_quarter(record, today):
        out.append(Pending(Timer.REPORT, quarter_end(today), False))
    return out


def quarter_end(today: date) -> date:
    """The last day of the quarter `today` is in."""
    month = (today.month - 1) // 3 * 3 + 3
    return date(today.year, month, calendar.monthrange(today.year, month)[1])


def reported_this_quarter(record: Record, today: date) -> bool:
    """思想汇报 at least once a quarter (issue 24, after the 细则): one recorded in `today`'s quarter."""
    start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return any(s.step is Step.REPORT and start <= s.on <= today for s in record.steps)


def remind_from(item: Pending) -> date:
    """The first day the sweep tells of a timer: a week before the talk or a 考察, a month before the 预备期
    ends (the 书面转正申请), the day after the three months of 上级党委审批 are over."""
    if item.timer is Timer.PROBATION:
        return add_months(item.day, -1)
    if item.timer is Timer.APPROVAL:
        return item.day + timedelta(days=1)
    return item.day - timedelta(days=SOON_DAYS)


def reminders(record: Record, today: date) -> list[Pending]:
    """The timers whose reminder window holds `today`: each is keyed by its day, so it goes once. A missing
    思想汇报 is not among them: the report engine reminds the person and then tells the secretary
    (`bot.services.reports.register`)."""
    return [p for p in pending(record, today) if p.timer is not Timer.REPORT and today >= remind_from(p)]
