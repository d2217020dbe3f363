"""The preparation list of a 组织生活会 (issue 26; 《关于新形势下党内政治生活的若干准则》: before the meeting, 谈心谈话
and each member's 对照检查材料, and opinions gathered): what the secretary sees under the notice's preview — the
branch's required 谈心谈话 pairs done and missing this year, who has handed in 对照检查材料 and who not, and the
opinions gathered (征求意见, `/rectify 意见 内容`) or the reminder to gather them."""

from __future__ import annotations

from bot.i18n import t
from bot.services.appraisal.talks import year_view
from bot.services.kernel import dates
from bot.store import Store

#: Names of members without 对照检查材料 listed at most (the rest is counted).
NAMES_SHOWN = 12


async def preparation(store: Store, unit_id: int, year: int, lang: str) -> list[str]:
    members, done, missing, _ = await year_view(store, unit_id, year)
    lines = [t(lang, "appraisal.prep_head")]
    key = "appraisal.prep_talks_done" if not missing else "appraisal.prep_talks"
    lines.append(t(lang, key, done=len(done), total=len(done) + len(missing), missing=len(missing)))
    found = await store.appraisal.round(unit_id, year)
    if found is None:
        lines.append(t(lang, "appraisal.prep_material_unset"))
    else:
        handed = await store.appraisal.materials(unit_id, year)
        names = [m.name for m in members if m.id not in handed]
        shown = ("、" if lang == "zh" else ", ").join(names[:NAMES_SHOWN])
        if len(names) > NAMES_SHOWN:
            shown += t(lang, "appraisal.prep_more", count=len(names) - NAMES_SHOWN)
        day = dates.day(lang, found.deadline)
        lines.append(t(lang, "appraisal.prep_material", day=day, done=len(handed), missing=shown or "—"))
    opinions = await store.year.opinions(unit_id, year)
    if opinions:
        lines.append(t(lang, "appraisal.prep_opinions_done", count=len(opinions)))
    else:
        lines.append(t(lang, "appraisal.prep_opinions"))
    return lines
