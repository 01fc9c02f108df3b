"""Demo key persons for seed_demo: 416 persons across the county (seed 004: 排查重点人员416人), each kept
by a grid worker of their village, half a year of visits (most on time, some fallen behind), a few
released; 重点信访人 who are the demo's petitioners (their petitions linked or suggested by ID number)
and persons named among a dispute's parties. Every name, ID number, phone and address is invented.

The demo county has one grid worker (网格员 赵网格, in a village of 青石镇): they keep the persons of
their village; the other villages' persons have no 包户 yet (未落实), their visits recorded by the clerk.

``seed_demo --scale city|province`` calls the seeder per city and year with ``size``: the persons are
registered with the places (the first year; 416 per 8,000 subjects), without 包户 or links (the scale's
township recorders become the writers), their ID numbers under the city's county codes.
"""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from sanzero.models import DeadlineSettings
from sanzero.validators import ID_CHECK, ID_WEIGHTS
from units.demo import GIVEN, SURNAMES

from .choices import DEFAULT_VISIT_DAYS, PersonCategory, PersonStatus, RiskLevel, VisitWay
from .models import KeyPerson, PersonLink, PersonVisit

TOTAL = 416
#: subjects of the demo county TOTAL is counted against (the scale's rate: TOTAL per SUBJECTS)
SUBJECTS = 8000
#: of TOTAL, persons in the village of the demo's grid worker (so that their list and card have rows)
IN_GRID_VILLAGE = 12
CATEGORIES = {
    PersonCategory.CORRECTION: 18,
    PersonCategory.RELEASED: 26,
    PersonCategory.MENTAL: 24,
    PersonCategory.PETITIONER: 14,
    PersonCategory.DRUGS: 12,
    PersonCategory.OTHER: 6,
}
RISK_WEIGHTS = {  # (高, 中, 低) by category
    PersonCategory.CORRECTION: (3, 5, 2),
    PersonCategory.RELEASED: (1, 5, 4),
    PersonCategory.MENTAL: (3, 4, 3),
    PersonCategory.PETITIONER: (2, 5, 3),
    PersonCategory.DRUGS: (3, 5, 2),
    PersonCategory.OTHER: (1, 3, 6),
}
NOTES = {
    PersonCategory.CORRECTION: ("缓刑，社区矫正期限两年，每月到司法所报到。", "假释，社区矫正期限一年六个月。"),
    PersonCategory.RELEASED: ("刑满释放，安置帮教期五年，已落实就业。", "刑满释放，暂无固定工作，列入帮扶。"),
    PersonCategory.MENTAL: ("精神分裂症，监护人为其配偶，规律服药。", "双相情感障碍，已纳入以奖代补监护。"),
    PersonCategory.PETITIONER: ("多次到县信访，诉求为土地补偿。", "反映征地补偿问题，已纳入书记包案。"),
    PersonCategory.DRUGS: ("社区康复人员，每月尿检。", "社区戒毒人员，已签订戒毒协议。"),
    PersonCategory.OTHER: ("家庭矛盾突出，需持续关注。", "扬言报复，已落实稳控措施。"),
}
SITUATIONS = (
    "本人在家，情绪稳定，生活正常。",
    "电话联系本人及家属，近况良好，无异常。",
    "入户走访，按时服药，监护人在家。",
    "了解近期就业情况，已推荐至镇就业服务站。",
    "开展法治教育谈话，本人表示遵守规定。",
    "本人外出务工，已与家属核实去向。",
)
ABNORMAL = ("情绪波动较大，已通知村调委会跟进。", "未按时报到，已告知司法所。", "家属反映近期未服药，已联系卫生院。")
WAYS = [VisitWay.HOME] * 6 + [VisitWay.PHONE] * 3 + [VisitWay.TALK]
RELEASE_REASONS = ("矫正期满，依法解除。", "安置帮教期满。", "已迁出本县，移交迁入地。")


def id_number(rng, born: datetime.date, prefix: str = "990121") -> str:
    """A valid ID number under a division code (the demo's start with 99: no province uses it)."""
    body = f"{prefix}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
    total = sum(int(ch) * w for ch, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _keepers(users) -> dict:
    """The 包户 of each village: the demo's grid worker keeps the persons of its village; the others
    have none yet (未落实, what the list's 包户 filter finds). No grid accounts are made for them: an
    active grid worker makes its village one that reports 零报告 (declarations)."""
    grid = users.get("grid")
    return {region.pk: grid for region in grid.scope_regions.all()} if grid is not None else {}


def seed(*, rng, subjects, year, users, today, size=None):
    clerk = users.get("clerk_a")
    villages = [s for s in subjects if s.village_region_id]
    total = TOTAL
    if size is not None:  # seed_demo --scale: registered once, with the places
        total = size.get("重点人员", round(len(subjects) * TOTAL / SUBJECTS) if size.get("重点场所") else 0)
    if clerk is None or not villages or not total:
        return {}
    rules = DeadlineSettings.current()
    keepers = _keepers(users) if size is None else {}
    by_region = {s.region_id: s for s in villages}
    grid = users.get("grid")
    grid_villages = [by_region[r] for r in keepers if keepers[r] is grid and r in by_region] if grid else []
    from sanzero.crypto import blind_index

    managed = set(KeyPerson.objects.filter(status=PersonStatus.MANAGED).values_list("id_number_hash", flat=True))
    used_ids: set[str] = set()
    people: list[tuple[KeyPerson, list]] = []
    from units.models import Region

    townships = dict(Region.objects.filter(level="township").values_list("pk", "name"))
    registered_from = datetime.date(year - 1, 1, 1)
    span = max(1, (today - datetime.timedelta(days=20) - registered_from).days)

    def add(subject, category, *, name=None, number=None):
        if number is None:
            while True:
                born = datetime.date(rng.randrange(1950, 2003), rng.randrange(1, 13), rng.randrange(1, 29))
                number = id_number(rng, born, subject.region.code[:6])
                if number not in used_ids and blind_index("id_number", number) not in managed:
                    break
        if number in used_ids or blind_index("id_number", number) in managed:
            return None
        used_ids.add(number)
        risk = rng.choices([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW], weights=RISK_WEIGHTS[category])[0]
        registered = registered_from + datetime.timedelta(days=rng.randrange(0, span))
        person = KeyPerson(
            subject=subject,
            registered_on=registered,
            name=name or _name(rng),
            id_number=number,
            phone="1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9)),
            address=f"{townships.get(subject.region.parent_id, '')}{subject.name}{rng.randrange(1, 12)}组{rng.randrange(1, 60)}号",
            category=category,
            risk_level=risk,
            grid_worker=keepers.get(subject.region_id),
            visit_every_days=DEFAULT_VISIT_DAYS[risk],
            note=rng.choice(NOTES[category]),
            created_by=clerk,
        )
        visits = []
        day = max(registered, today - datetime.timedelta(days=180))
        behind = rng.random() < 0.18  # fell behind lately: overdue on 督办
        while True:
            day += datetime.timedelta(days=max(1, person.visit_every_days + rng.randrange(-3, 2)))
            if day > today or (behind and (today - day).days < person.visit_every_days + 10):
                break
            visits.append(day)
        if visits:
            person.last_visited_on = visits[-1]
        if rng.random() < 0.05 and (today - registered).days > 60:
            person.status = PersonStatus.RELEASED
            person.released_on = min(today, (person.last_visited_on or registered) + datetime.timedelta(days=3))
            person.release_reason = rng.choice(RELEASE_REASONS)
        person.due_on = person.compute_due_on(rules)
        people.append((person, visits))
        return person

    # 重点信访人 who petitioned (their ID number on the petition), and persons among a dispute's parties
    petitioners, parties = (_petitioners(by_region), _parties(by_region)) if size is None else ([], [])
    for petition, subject in petitioners[:30]:
        add(subject, PersonCategory.PETITIONER, name=petition.petitioner_name or None, number=petition.id_number)
    for _dispute, subject, name in parties[:15]:
        add(subject, rng.choice([PersonCategory.MENTAL, PersonCategory.OTHER, PersonCategory.RELEASED]), name=name)
    for subject in grid_villages:
        for _ in range(IN_GRID_VILLAGE):
            add(subject, rng.choices(list(CATEGORIES), weights=list(CATEGORIES.values()))[0])
    while len(people) < total:
        add(rng.choice(villages), rng.choices(list(CATEGORIES), weights=list(CATEGORIES.values()))[0])

    persons = [p for p, _ in people]
    before = KeyPerson.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bulk_create_with_history(persons, KeyPerson, batch_size=500, default_change_reason="演示数据")
    saved = {p.id_number_hash: p for p in KeyPerson.objects.filter(pk__gt=before).only("pk", "id_number_hash")}
    visits = []
    for person, days in people:
        pk = saved[person.id_number_hash].pk
        for day in days:
            odd = rng.random() < 0.06
            visits.append(
                PersonVisit(
                    person_id=pk,
                    visited_on=day,
                    way=rng.choice(WAYS),
                    situation=rng.choice(ABNORMAL if odd else SITUATIONS),
                    abnormal=odd,
                    by=person.grid_worker or clerk,
                )
            )
    PersonVisit.objects.bulk_create(visits, batch_size=1000)
    links = _links(rng, saved, petitioners[:30], parties[:15], clerk)
    if links:
        bulk_create_with_history(links, PersonLink, default_user=clerk, default_change_reason="演示数据")
    return {"重点人员": len(persons), "走访记录": len(visits), "人员关联事项": len(links)}


def _petitioners(by_region) -> list:
    """Demo petitions with an ID number, of a village's own subject or a unit in a village."""
    from petitions.models import Petition

    found, seen = [], set()
    for petition in Petition.objects.exclude(id_number="").select_related("subject").order_by("pk"):
        subject = by_region.get(petition.subject.region_id)
        if subject is not None and petition.id_number not in seen:
            seen.add(petition.id_number)
            found.append((petition, subject))
    return found


def _parties(by_region) -> list:
    from disputes.models import Dispute, party_names

    found = []
    for dispute in Dispute.objects.exclude(parties="").select_related("subject").order_by("pk")[:200]:
        subject = by_region.get(dispute.subject.region_id)
        names = [n for n in party_names(dispute.parties) if 2 <= len(n) <= 4]
        if subject is not None and names:
            found.append((dispute, subject, names[0]))
    return found


def _links(rng, saved, petitioners, parties, clerk) -> list:
    """Two thirds of the petitioners' petitions and half the disputes linked; the rest stay suggestions."""
    from sanzero.crypto import blind_index

    links = []
    if not petitioners and not parties:
        return links
    for petition, _ in petitioners:
        person = saved.get(blind_index("id_number", petition.id_number))
        if person is not None and rng.random() < 0.67:
            links.append(PersonLink(person_id=person.pk, petition_id=petition.pk, created_by=clerk))
    by_name = {}
    for person in KeyPerson.objects.filter(pk__in=[p.pk for p in saved.values()]).only("pk", "name", "subject_id"):
        by_name.setdefault((person.name, person.subject_id), person)
    for dispute, subject, name in parties:
        person = by_name.get((name, subject.pk))
        if person is not None and rng.random() < 0.5:
            links.append(PersonLink(person_id=person.pk, dispute_id=dispute.pk, created_by=clerk))
    return links
