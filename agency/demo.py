"""Demo 书记代办 records for seed_demo, on the demo year's petitions and disputes (their seeders run
first): the key petitions (越级, 集体, 非正常) and the red-risk disputes are often taken on, a share of
the ordinary ones too; the petitions assigned from above (上级交办) mostly taken on, a few not. The
secretaries' names are invented."""

from __future__ import annotations

import datetime

from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from .choices import AgencyOutcome, AgencySource, AgencyStatus, SecretaryLevel
from .models import Agency

NOT_TAKEN_REASONS = [
    "诉求已依法终结，经研判不纳入代办，由责任单位做好解释疏导。",
    "属诉讼程序处理事项，已引导当事人依法诉讼。",
]
OUTCOME_NOTES = {
    AgencyOutcome.RESOLVED: ["书记牵头协调相关部门，诉求已落实，群众签字认可。", "现场办公解决，当事人息诉罢访。"],
    AgencyOutcome.PARTLY: ["合理部分已解决，其余诉求已解释说明政策依据。"],
    AgencyOutcome.UNRESOLVED: ["诉求超出政策规定，已耐心解释并做好稳控。"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯"
GIVEN = ["建华", "志刚", "卫东", "国庆", "海龙", "明亮", "晓峰", "立新", "文斌", "红梅"]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def seed(*, rng, subjects, year, users, today):
    from disputes.models import Dispute
    from petitions.models import Petition

    end = min(today, datetime.date(year, 12, 31))
    prefixes = {s.region.code[:6] for s in subjects}
    if not prefixes:
        return {"书记代办": 0}
    clerk = users.get("clerk_a")
    secretaries: dict[tuple[str, str], str] = {}

    def secretary(level: str, code: str) -> str:
        """One secretary per region of a level (a village, a township, the county, the city)."""
        key = (level, code[: {"村": 12, "乡镇": 9, "县": 6, "市": 4}[level]])
        if key not in secretaries:
            secretaries[key] = _name(rng)
        return secretaries[key]

    in_demo = Q()
    for prefix in sorted(prefixes):
        in_demo |= Q(subject__region__code__startswith=prefix)
    records = []
    petitions = Petition.objects.filter(in_demo, received_on__year=year).select_related("subject__region")
    for p in petitions.order_by("received_on", "pk"):
        key = p.is_skip_level or p.is_abnormal or p.headcount >= 5
        assigned = p.source == "上级交办"
        if not (assigned or rng.random() < (0.6 if key else 0.12)):
            continue
        level = rng.choices(
            [SecretaryLevel.VILLAGE, SecretaryLevel.TOWNSHIP, SecretaryLevel.COUNTY, SecretaryLevel.CITY],
            weights=[1, 6, 2, 0.2] if key else [5, 6, 0.4, 0],
        )[0]
        closed = p.closed_on if p.status == "已办结" else None
        records.append(
            _record(
                rng,
                end,
                clerk,
                secretary,
                level,
                p.subject.region.code,
                p.received_on,
                closed,
                petition=p,
                assigned=assigned,
            )
        )
    disputes = Dispute.objects.filter(in_demo, found_on__year=year).select_related("subject__region")
    for d in disputes.order_by("found_on", "pk"):
        if rng.random() >= (0.35 if d.risk_colour == "红" else 0.02):
            continue
        level = rng.choices(
            [SecretaryLevel.VILLAGE, SecretaryLevel.TOWNSHIP, SecretaryLevel.COUNTY], weights=[6, 4, 0.3]
        )[0]
        resolved = d.resolved_on if d.status == "已化解" else None
        records.append(
            _record(
                rng,
                end,
                clerk,
                secretary,
                level,
                d.subject.region.code,
                d.found_on,
                resolved,
                dispute=d,
                assigned=False,
            )
        )
    bulk_create_with_history(records, Agency, batch_size=500, default_change_reason="演示数据")
    escalate_some(rng, clerk, end, secretary)
    return {"书记代办": len(records)}


ESCALATIONS = 3
ESCALATION_NOTES = ["涉及跨村土地权属，需乡镇协调。", "需县级部门联合解决，本级无法落实。", ""]


def escalate_some(rng, clerk, end, secretary) -> None:
    """A few village secretaries' matters the village could not settle, reported one level up through the
    service (逐级上报, in their audit trail): those of the demo clerk's township."""
    from .services import agency_escalate

    if clerk is None:
        return
    open_ones = Agency.objects.for_user(clerk, "change").filter(
        status=AgencyStatus.HANDLING, level=SecretaryLevel.VILLAGE
    )
    for record in open_ones.order_by("taken_on", "pk")[:ESCALATIONS]:
        code = record.matter.subject.region.code
        day = min(end, record.taken_on + datetime.timedelta(days=rng.randrange(2, 8)))
        data = {"secretary": secretary(SecretaryLevel.TOWNSHIP, code), "on": day, "note": rng.choice(ESCALATION_NOTES)}
        agency_escalate(actor=clerk, obj=record, data=data)


def _record(rng, end, clerk, secretary, level, code, day, done_on, *, assigned: bool, **matter):
    taken_on = min(end, day + datetime.timedelta(days=rng.randrange(0, 8)))
    record = Agency(
        **matter,
        source=AgencySource.ASSIGNED if assigned else AgencySource.SELF_CHECK,
        assigned_by=rng.choice(["市信访局", "县信访局", "县委信访工作联席会议办公室"]) if assigned else "",
        taken_on=taken_on,
        created_by=clerk,
    )
    if assigned and rng.random() < 0.1:
        record.included = False
        record.not_included_reason = rng.choice(NOT_TAKEN_REASONS)
        record.status = AgencyStatus.NOT_TAKEN
        return record
    record.level, record.secretary = level, secretary(level, code)
    if done_on is not None and done_on >= taken_on:
        outcome = rng.choices(list(OUTCOME_NOTES), weights=[80, 14, 6])[0]
        record.status, record.finished_on, record.outcome = AgencyStatus.DONE, done_on, outcome
        record.outcome_note = rng.choice(OUTCOME_NOTES[outcome])
    return record
