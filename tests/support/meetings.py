"""The people of tests/data/org.csv and a meeting in December 2026, shared by the 三会一课 and minutes tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")


T0 = datetime(2026, 11, 30, 9, 0, tzinfo=SH)
START = datetime(2026, 12, 2, 15, 0, tzinfo=SH)
MEETING = "2026-12-02 15:00"
# org.csv: 一村党支部 — 王书记 (secretary), 李委员 (组织委员), 赵组长 (党小组长 of 一组), 钱预备 (probationary),
# 孙外来 (relation elsewhere), 张流动 (流动党员党小组); 二村党支部 — 吴书记, 周组长 (支委).
COMMUNITY, WANG, LI, ZHAO, QIAN, SUN, ZHANG, WU = 3001, 1001, 1002, 1003, 1004, 1005, 1006, 2001
BRANCH_ONE = (WANG, LI, ZHAO, QIAN, SUN, ZHANG)
