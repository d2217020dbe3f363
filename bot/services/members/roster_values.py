"""The words a roster may use for each coded value, Chinese and English (docs/PRODUCT.md §2).

Each table maps every accepted form (compared in lower case) to the stored value. A village roster writes
the Chinese forms; the English ones are what the first versions of the format used and keep working.
"""

from __future__ import annotations

CATEGORIES = {
    "resident": "resident",
    "在家": "resident",
    "在家党员": "resident",
    "employed": "employed",
    "在职": "employed",
    "在职党员": "employed",
    "unemployed": "unemployed",
    "无业": "unemployed",
    "无业党员": "unemployed",
    "migrant": "migrant",
    "流动": "migrant",
    "流动党员": "migrant",
    "separated": "separated",
    "人户分离": "separated",
    "incoming": "incoming",
    "外来": "incoming",
    "外来党员": "incoming",
}
ROLES = {
    "secretary": "secretary",
    "书记": "secretary",
    "支部书记": "secretary",
    "liaison": "liaison",
    "联系人": "liaison",
    "admin": "admin",
    "管理员": "admin",
    "committee": "committee",
    "支委": "committee",
    "支部委员": "committee",
    "委员": "committee",
    "group_leader": "group_leader",
    "党小组长": "group_leader",
    "小组长": "group_leader",
    "组长": "group_leader",
    "activity_leader": "activity_leader",
    "活动小组长": "activity_leader",
    "inspector": "inspector",  # 上级党委 (read-only, issue 28): `branch` names the unit overseen
    "上级党委": "inspector",
    "上级党委（只读）": "inspector",
    "乡镇党委": "inspector",
}
#: A committee member's division of work written as their role (职务: 组织委员) makes them a committee
#: member, and the title becomes their duty (职务说明) unless that column says otherwise.
COMMITTEE_TITLES = ("副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "统战委员", "保密委员")
POSTS = {
    "patrol": "patrol",
    "治安巡逻岗": "patrol",
    "巡逻": "patrol",
    "巡逻岗": "patrol",
    "mediation": "mediation",
    "矛盾调解岗": "mediation",
    "调解": "mediation",
    "调解岗": "mediation",
}
CADENCES = {
    "monthly": "monthly",
    "每月": "monthly",
    "按月": "monthly",
    "月": "monthly",
    "月度": "monthly",
    "quarterly": "quarterly",
    "每季度": "quarterly",
    "按季": "quarterly",
    "季度": "quarterly",
}
MEMBERSHIPS = {
    "full": "full",
    "正式党员": "full",
    "正式": "full",
    "probationary": "probationary",
    "预备党员": "probationary",
    "预备": "probationary",
    "applicant": "applicant",
    "入党申请人": "applicant",
    "申请人": "applicant",
    "activist": "activist",
    "入党积极分子": "activist",
    "积极分子": "activist",
    "candidate": "candidate",
    "发展对象": "candidate",
}
RELATIONS = {
    "here": "here",
    "本支部": "here",
    "组织关系在本支部": "here",
    "在本支部": "here",
    "elsewhere": "elsewhere",
    "外单位": "elsewhere",
    "组织关系在外": "elsewhere",
    "在外": "elsewhere",
}
