"""The sandbox plays a scripted conversation against the emulator and prints the transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Slow: the sandbox tour, a process of its own.
pytestmark = pytest.mark.slow


def test_sandbox_script_prints_the_conversation(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(":as 陌生人\n/help\n:as 彭国华\n/help\n/lang en\n/invite 张金花\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_PATH")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "陌生人 › /help" in out and "还没有登记" in out
    assert "书记专用" in out and "/invite" in out
    assert "OK, I will speak English" in out
    assert "Personal invite link for 张金花" in out and "https://t.me/zhibu_bot?start=" in out
    assert not list(tmp_path.glob("**/*.sqlite3"))  # the sandbox keeps its database in a temporary folder


TOUR = Path(__file__).resolve().parents[2] / "bot" / "demo" / "tour.txt"


@pytest.mark.timeout(240)  # the subprocess's own limit: the tour alone takes ~45 s, more on a loaded machine
def test_the_whole_demo_tour_plays_and_shows_each_capability(tmp_path: Path) -> None:
    """The README's tour (bot/demo/tour.txt), played once: every `:as` and `:press` finds its person and button
    (the sandbox echoes a failed one as an indented line in brackets), and each capability's block shows what a
    newcomer should see."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_PATH")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(TOUR)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    whole = result.stdout
    failed = [line for line in whole.splitlines() if line.startswith("  （")]
    assert failed == [], failed

    # 党务公开: a resident's objection, privately, answered (issue 28)
    out = whole[whole.index("陌生人 › /start oj_1") :]
    assert "您要对《村东道路硬化工程》提异议" in out and "已经转给支部书记" in out
    assert "有人对党务公开提异议" in out and "已把答复发给 陌生人" in out
    assert "支部答复如下" in out and "个人信息不能公开" in out and "四议两公开结果" in out

    # 党费: the secretary names a collector, who is told how to record payments (issue 25)
    assert "已指定：江美玲为白庙村党支部的党费收缴人" in whole and "您是本支部的党费收缴人" in whole

    # away for more than a month → the secretary registers a mobile member (issue 12)
    mobile = whole[whole.index("胡淑珍 按下 [会，超过一个月]") :]
    assert "要登记为流动党员吗？" in mobile and "已把 胡淑珍 登记为流动党员" in mobile

    # the organisation in /members (issue 12)
    out = whole
    listing = out[out.index("彭国华 › /members\n") : out.index("吴俊峰 › /members 西区党小组")]
    assert "白庙村党支部（" in listing
    for fact in (
        "书记、联系人 · 正式党员 · 党龄",
        "支委（组织委员）",
        "支委（宣传委员）",
        "支委（纪检委员）",
        "党小组长 · 正式党员",
        "活动小组长 · 正式党员",
        "活动小组：幸福家园3号楼党小组",
        "活动小组：物业服务党小组",
        "3月18日（周三） 入党） 〔无表决权〕",  # 预备党员（[2026年]3月18日…）: the year only when not this one
    ):
        assert fact in listing, fact
    assert listing.count("〔无表决权〕") == 2  # 丁美玲 and 刘海涛, probationary
    west = out[out.index("吴俊峰 › /members 西区党小组") :]
    assert "组织关系在外（安徽省金寨县梅山镇新河村党支部） 〔无表决权〕" in west

    # 党费 and 发展党员 from the roster (issues 24, 25)
    out = whole[whole.index("彭国华 › /dues\n") :]
    assert "党费收缴情况" in out and "胡淑珍：本月还没交（每月 15.00 元）" in out and "现在只看：未核定" in out
    assert "胡淑珍的党费" in out[out.index("胡淑珍 › /dues") :]
    out = whole[whole.index("彭国华 › /development\n") :]
    assert "王小明（白庙村党支部）：入党积极分子（名册导入，步骤待补登）" in out and "从入党申请起" in out
    own = out[out.index("王小明 › /development") :]
    assert "我的入党进程" in own and "入党积极分子" in own and "还在补登" in own
    wrote = out[out.index("王小明 › /report") :]  # his quarter's 思想汇报, read and marked 已阅 by the secretary
    assert "第" in wrote and "季度的思想汇报已提交" in wrote and "交来了" in wrote
    assert "已阅，已告诉 王小明" in wrote

    # care for members in hardship (issue 15)
    out = whole[whole.index("彭国华 › /care 高桂兰") :]
    assert "列入困难党员台账，走访人 姜国庆" in out
    assert "支部 → 姜国庆：🤝 帮扶走访安排" in out
    assert "已登记 高桂兰 的走访" in out
    listing = out[out.index("彭国华 › /care\n") :]
    assert "困难党员台账（未结案 1 人）" in listing and "高桂兰" in listing and "走访人 姜国庆" in listing
    assert "未走访" not in listing.split("── 现在是")[0]

    # 三会一课: a 支委会 and a 支部党员大会 with its quorum (issue 13)
    out = whole[whole.index("彭国华 › /notice 党小组会") :]
    assert "党小组会不能发给这个组织。党小组会可以发给：白庙村党支部 1号楼党小组" in out
    assert "支委会只由本支部的支部委员参加：应到 4 人" in out and "支委名单：彭国华、顾振华、江美玲、向思远" in out
    assert "其中预备党员2人参加会议，无表决权：丁美玲、刘海涛" in out
    assert "已准方晓东的假" in out and "方晓东已经准假，不能登记到会" in out
    assert "贾美玲" in out and "（书记登记：彭国华，年老体弱）" in out
    assert "现场会议要在会场签到" in out and "签到码" in out and "签到成功" in out
    assert "有表决权的党员应到 24 人、实到 2 人，不到半数，不能进行表决" in out
    assert "✅ 委员应到 4 人、实到 3 人，超过半数，会议有效。" in out
    assert "会议 #1 还没有开，开过会以后才能填会议记录" in out  # /minutes waits for the meeting (issue 13 item 6)

    # the branch's year (issue 26): a talk by phone, 对照检查材料, a 组织生活会's preparation list
    out = whole[whole.index("彭国华 › /talk 电话 顾振华") :]
    assert "和 顾振华 的谈心谈话（电话）" in out and "老人住院，家里缺人手" in out  # the secretary's own note
    assert "对照检查材料，" in out and "截止：已交 1 人" in out
    assert "组织生活会会前准备" in out and "谈心谈话：该谈的" in out and "征求意见：已记 1 条" in out

    # members who move (issue 27): the member file with the 流入地 and 活动证, 人户分离, /study, /serve
    out = whole[whole.index("彭国华 › /member 张金花") :]
    assert "流入地：广东省东莞市长安镇" in out and "BM-2025-03" in out
    assert "人户分离：户籍地址 白庙村2组；实际居住地 县城幸福家园2号楼2单元" in out
    assert "党员学习培训学时" in out
    assert "已报到：龚德明" in out and "龚德明：" in out[out.index("江建军 › /serve") :]
    # 办理转出 from the daily digest (:digest plays DIGEST_TIME): only the letter's number, day and 有效期 are asked
    out = whole[whole.index("（提醒现在就发") :]
    assert "外出满半年的流动党员" in out and "办理转出：张金花" in out
    assert "转往 中共东莞市长安镇委员会流动党员党支部（流入地登记的党组织）" in out
    assert "已登记转出：张金花" in out and "在途（1 件）" in out
