"""党务公开 through the emulator (issue 28 item 1): an item previewed and posted with its 公示期 across 国庆节, an
objection raised privately by a resident not on the roster and answered, the end-of-period word to the secretary
exactly once; a preview carrying an ID number or a phone number refused; the command refused to a stranger and a
plain member; the 岗位 source; the ledger sheet."""

from __future__ import annotations

from tests.support.harness import PATROL, PLAIN, SECRETARY, STRANGER, Harness
from tests.support.openness import bound_group, ended, link, local


async def test_an_item_posted_with_its_dates_objected_to_answered_and_ended_once(harness: Harness) -> None:
    harness.at(local(9, 30))  # Wednesday, the last working day before 国庆节
    await link(harness, SECRETARY, PATROL)
    secretary = harness.user(SECRETARY)
    group = await bound_group(harness)
    await secretary.send("/publicity 村级重大事项 | 村东道路硬化 | 经四议两公开，拟硬化村东道路 800 米，预算 12 万元。")
    preview = await secretary.expect("公示预览")
    # five working days: 30 Sep, then 8, 9, 10 (the Saturday worked) and 12 October
    assert "9月30日（周三） 至 10月12日（周一），共 5 个工作日" in preview.text
    assert "【" not in preview.text and "村级重大事项" in preview.text and "村东道路硬化" in preview.text
    await harness.nothing_more(group)  # nothing goes to the group before it is posted
    await secretary.press("发布到群", preview)
    await secretary.expect("公示已发布", kind="message")
    posted = await group.expect("村东道路硬化")
    assert "公示期：9月30日（周三） 至 10月12日（周一），共 5 个工作日" in posted.text
    link_url = posted.button("我有异议").url
    assert link_url is not None and "?start=oj_" in link_url
    payload = link_url.split("start=")[1]
    # the text of the post is the preview's
    assert posted.text in preview.text

    # a resident not on the roster objects through the link, privately
    resident = harness.user(STRANGER, "老刘")
    harness.at(local(10, 9))
    await resident.send(f"/start {payload}")
    await resident.expect("您要对《村东道路硬化》提异议")
    await resident.send("预算太高了，希望把明细贴出来。")
    saved = await resident.expect("收到了")
    number = saved.text.split("编号 ")[1].split("）")[0]
    told = await secretary.expect("有人对党务公开提异议")
    assert "老刘" in told.text and "预算太高了" in told.text and f"/publicity 答复 {number}" in told.text
    await harness.nothing_more(group)  # an objection never shows in the group

    await secretary.send("/publicity")
    listed = await secretary.expect("党务公开")
    assert "异议 1 条（已答复 0）" in listed.text and "公示中" in listed.text and "老刘" in listed.text
    await secretary.send(f"/publicity 答复 {number} | 明细已贴在村委会公开栏，欢迎查看。")
    await secretary.expect("已把答复发给 老刘")
    answer = await resident.expect("支部答复如下")
    assert "明细已贴在村委会公开栏" in answer.text and "预算太高了" in answer.text
    await secretary.send(f"/publicity 答复 {number} | 再答一次")
    await secretary.expect("已经答复过了")
    await harness.nothing_more(group, resident)

    # the end of the period: nothing on its last day, once the day after, never again
    harness.at(local(10, 12, 20))
    assert await ended(harness) == 0
    harness.at(local(10, 13, 9))
    assert await ended(harness) == 1
    end = await secretary.expect("已经结束", skipping=("待办汇总",))  # the daily digest of other matters
    assert "村东道路硬化" in end.text and "收到异议 1 条" in end.text and "还有 0 条没答复" in end.text
    assert await ended(harness) == 0
    harness.at(local(10, 14, 9))
    assert await ended(harness) == 0
    # after the period the link no longer takes objections
    patrol = harness.user(PATROL)
    await patrol.send(f"/start {payload}")
    await patrol.expect("已经结束", skipping=("述职",))
    await harness.nothing_more(secretary, group)

    await secretary.send("/publicity")
    listed = await secretary.expect("党务公开")
    assert "已结束" in listed.text and "异议 1 条（已答复 1）" in listed.text


async def test_an_item_without_objections_is_told_so(harness: Harness) -> None:
    harness.at(local(12, 7))  # a Monday
    await link(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    group = await bound_group(harness)
    await secretary.send("/publicity 关于召开党员大会的说明 | 12月15日召开支部党员大会，讨论村集体经济项目。 | 3")
    preview = await secretary.expect("公示预览")
    assert "12月7日（周一） 至 12月9日（周三），共 3 个工作日" in preview.text
    await secretary.press("发布到群", preview)
    await secretary.expect("公示已发布", kind="message")
    await group.expect("关于召开党员大会的说明")
    harness.at(local(12, 10, 8))
    assert await ended(harness) == 1
    told = await secretary.expect("已经结束", kind="message", skipping=("待办汇总",))
    assert "没有收到异议" in told.text
    assert await ended(harness) == 0


async def test_a_preview_carrying_a_private_field_is_refused(harness: Harness) -> None:
    harness.at(local(12, 7))
    await link(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    group = await bound_group(harness)
    await secretary.send("/publicity 困难补助 | 拟补助王大爷，身份证号 11010519491231002X。")
    refused = await secretary.expect("个人信息不能公开")
    assert "身份证号" in refused.text and "11010519491231002X" not in refused.text and not refused.buttons
    await secretary.send("/publicity 联系方式 | 有事请找王书记 138 0000 0002")
    refused = await secretary.expect("个人信息不能公开")
    assert "电话号码" in refused.text
    await secretary.send("/publicity 只有标题")
    await secretary.expect("请这样写")
    await secretary.send("/publicity 标题 | 内容 | 100")
    await secretary.expect("工作日数「100」不对")
    await secretary.send("/publicity 党费 | 3")  # from the records, with its days: none recorded yet
    await secretary.expect("还没有登记党费")
    await harness.nothing_more(group)
    rows = await harness.store.db.fetchone("SELECT count(*) FROM publicity_items")
    assert rows is not None and rows[0] == 0


async def test_a_stranger_and_a_plain_member_are_refused(harness: Harness) -> None:
    harness.at(local(12, 7))
    await link(harness, PLAIN)
    stranger = harness.user(STRANGER)
    await stranger.send("/publicity 标题 | 内容")
    await stranger.expect("还没有登记")  # the welcome, nothing else
    plain = harness.user(PLAIN)
    await plain.send("/publicity 标题 | 内容")
    await plain.expect("只有")
    await plain.send("/publicity")
    await plain.expect("只有")
    rows = await harness.store.db.fetchone("SELECT count(*) FROM publicity_items")
    assert rows is not None and rows[0] == 0


async def test_a_plain_member_objects_and_cancel_ends_the_wait(harness: Harness) -> None:
    harness.at(local(12, 7))
    await link(harness, SECRETARY, PATROL)
    secretary = harness.user(SECRETARY)
    group = await bound_group(harness)
    await secretary.send("/publicity 整改 | 3")
    await secretary.expect("还没有整改清单")
    # a title that begins with a source's word is a free item
    await secretary.send("/publicity 党费 使用情况说明 | 今年党费全部按规定上缴，支部没有留存。")
    free = await secretary.expect("公示预览")
    assert "党费 使用情况说明" in free.text and "【" not in free.text
    await secretary.send("/publicity 发展 张三")
    await secretary.expect("没有找到「张三」")
    await secretary.send("/publicity 四议两公开 | 村集体土地流转结果 | 经村民代表会议表决，流转给合作社，租期五年。")
    preview = await secretary.expect("四议两公开结果")
    await secretary.press("发布到群", preview)
    await secretary.expect("公示已发布", kind="message")
    posted = await group.expect("村集体土地流转结果")
    payload = (posted.button("我有异议").url or "").split("start=")[1]
    patrol = harness.user(PATROL)
    await patrol.send(f"/start {payload}")
    await patrol.expect("提异议")
    await patrol.send("/cancel")
    await patrol.expect("已取消")
    await patrol.send("随便说一句")
    await patrol.expect("没看懂")  # no longer taken as an objection
    await patrol.send(f"/start {payload}")
    await patrol.expect("提异议")
    await patrol.send("租金偏低")
    await patrol.expect("收到了")
    told = await secretary.expect("有人对党务公开提异议")
    assert "赵巡逻" in told.text
    await harness.nothing_more(group)
