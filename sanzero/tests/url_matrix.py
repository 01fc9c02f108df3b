"""The URL walker's machinery (issue 13, point 1): every URL pattern the resolver knows, with its
kwargs filled by objects of township A / the county user (`probe_objects`), requested as every role.

The expectations per URL name live in test_url_matrix.py (EXPECTED); this module only knows how to
walk the resolver, build the objects and send the probes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse

#: the roles of the matrix, in the order an expectation string lists them
ROLES = ("anonymous", "clerk_a", "clerk_b", "grid_a", "dept_edu", "county", "admin")


@dataclass
class Expect:
    """What each role gets from one URL: seven statuses in ROLES order ("L" = the login redirect).

    statuses / post: what a GET / an empty POST answers each role. An empty POST never writes,
        except for the roles in `writes` (a reveal of personal data logs the access; a confirmed
        delete deletes): every POST runs in a rolled-back transaction and the row counts of every
        table are compared.
    kwargs: name of a ProbeObjects attribute that gives the URL's kwargs (a dict or a list of dicts,
        one probe per dict); None for a URL without arguments.
    query: GET parameters of the probe (a foreign region code, say), or the name of a ProbeObjects
        attribute that gives them (ids of fixture objects).
    htmx: what a GET with the HX-Request header answers (the htmx partial), when the view has one.
    why: one line for a status a reader might not expect.
    """

    statuses: str
    post: str
    kwargs: str | None = None
    query: dict | str | None = None
    htmx: str | None = None
    writes: tuple[str, ...] = ()
    why: str = ""
    by_role: dict = field(init=False)

    def __post_init__(self):
        self.by_role = _codes(self.statuses)
        self.post_by_role = _codes(self.post)
        self.htmx_by_role = _codes(self.htmx) if self.htmx else None


def _codes(statuses: str) -> dict[str, str]:
    codes = statuses.split()
    assert len(codes) == len(ROLES), f"{statuses!r}: one status per role {ROLES}"
    return dict(zip(ROLES, codes, strict=True))


@dataclass
class ProbeObjects:
    """Objects of township A (甲镇, clerk_a's) and of the county user: ids a foreign role must not reach."""

    subject: dict
    subject_edu: dict
    subject_month: dict
    region: dict
    dispute: list
    hazard: list
    accident: list
    petition: list
    case: list
    place: list
    listing: list
    problem: list
    dispute_entry: dict
    hazard_entry: dict
    accident_entry: dict
    petition_entry: dict
    case_entry: dict
    place_entry: dict
    listing_entry: dict
    problem_entry: dict
    listing_tier: dict
    level: dict
    holiday: dict
    holiday_year: dict
    import_job: dict
    import_template: dict
    export_job: dict
    snapshot_job: dict
    school: dict  # 甲镇中心学校: 教育局's, at the township (outside grid_a's village)
    school_dispute: dict
    school_hazard: dict
    school_petition: dict
    notification_url: str  # an overdue notice of 甲镇
    hazard_selection: dict  # ?id= of 批量验收: 甲镇's hazard (open, not awaiting acceptance)
    school_hazard_selection: dict  # ?id= of 批量验收: the school's hazard (教育局's)
    # {"pk": entry, "aid": attachment}: a PNG on each of 甲镇's entries above, uploaded by clerk_a
    dispute_attachment: dict
    hazard_attachment: dict
    accident_attachment: dict
    petition_attachment: dict
    case_attachment: dict
    place_attachment: dict
    listing_attachment: dict
    problem_attachment: dict
    person: list
    person_entry: dict  # a 重点人员 of 甲一村, kept (包户) by grid_a
    person_attachment: dict
    person_link: dict  # {"pk": person, "lid": its link to the petition above}
    declaration: dict  # 甲镇's 零报告 of 2026-03, by clerk_a
    bulletin: dict  # the county's published 排名通报 of 2026-03 (第1期)
    bulletin_draft: dict  # a draft of the same month
    # issue 14 (agency): 书记代办 records of 甲镇 (set by add_agency_probes)
    agency_entry: dict = field(default_factory=dict)  # on the shop's petition (甲一村, 市场监督管理局)
    school_agency: dict = field(default_factory=dict)  # on the school's dispute (甲镇, 教育局)
    agency_matter: dict = field(default_factory=dict)  # ?dispute= of the shop's dispute, which has none yet


def _transitions(entry, workflow) -> dict[str, dict]:
    """{step name: the kwargs of its URL} for every step of the entry's workflow."""
    return {t.name: {"pk": entry.pk, "name": t.name} for t in workflow.transitions}


def _tiny_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _attachment(actor, entry) -> dict:
    """A PNG attached to the entry through the service (checked, thumbnailed, audited): the URL's kwargs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ledger.services import attachment_add

    upload = SimpleUploadedFile("现场照片.png", _tiny_png(), content_type="image/png")
    attachment = attachment_add(actor=actor, entry=entry, upload=upload, kind="other")
    return {"pk": entry.pk, "aid": attachment.pk}


def probe_objects(world) -> ProbeObjects:
    """One object of every kind a URL names, all inside 甲镇 (at 甲一村超市, 市场监督管理局) or the county
    user's, made through the services where there is one; a month of snapshots for the subject pages."""
    import time_machine

    from cases import services as case_services
    from cases.workflow import CASE_WORKFLOW as CASE_FLOW
    from dashboards import compute
    from dashboards.models import SnapshotJob
    from disputes import services as dispute_services
    from disputes.models import MediationLevel
    from disputes.workflow import DISPUTE_WORKFLOW as DISPUTE_FLOW
    from hazards import services as hazard_services
    from hazards.workflow import ACCIDENT_WORKFLOW, HAZARD_WORKFLOW, LISTING_WORKFLOW
    from persons import services as person_services
    from persons.workflow import PERSON_WORKFLOW as PERSON_FLOW
    from petitions import services as petition_services
    from petitions.workflow import PETITION_WORKFLOW as PETITION_FLOW
    from places import services as place_services
    from places.workflow import PLACE_WORKFLOW as PLACE_FLOW
    from publicorder import services as problem_services
    from publicorder.workflow import PROBLEM_WORKFLOW
    from sanzero.holidays import services as holiday_services
    from sanzero.models import ExportJob, Holiday, ImportJob, Notification

    clerk = world.users["clerk_a"]
    shop = world.shop_a
    day = datetime.date(2026, 3, 2)
    dispute = dispute_services.dispute_create(
        actor=clerk,
        data={
            "subject": shop,
            "found_on": day,
            "category": "邻里纠纷",
            "summary": "排水沟堵塞",
            "source": "网格排查",
            "parties": "张三、李四",
            "people_count": 2,
            "risk_colour": "黄",
        },
    )
    hazard = hazard_services.hazard_create(
        actor=clerk,
        data={"subject": shop, "found_on": day, "category": "消防", "level": "一般", "description": "灭火器过期"},
    )
    accident = hazard_services.accident_create(
        actor=clerk, data={"subject": shop, "occurred_on": day, "kind": "火灾", "deaths": 0, "injuries": 1}
    )
    petition = petition_services.petition_create(
        actor=clerk,
        data={
            "subject": shop,
            "received_on": day,
            "channel": "来访",
            "type": "申诉求决",
            "petitioner_name": "张伟",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "要求公开账目",
        },
    )
    case = case_services.police_case_create(
        actor=clerk, data={"subject": shop, "occurred_on": day, "kind": "治安", "cause": "殴打他人"}
    )
    place = place_services.key_place_create(
        actor=clerk,
        data={
            "subject": shop,
            "registered_on": day,
            "name": "欢乐KTV",
            "category": "娱乐场所",
            "risk_level": "高",
            "inspect_every_days": 7,
        },
    )
    # 挂牌督办 of a 重大 hazard of the shop, by county staff: overdue now (a 督办函 may be issued by hand)
    listing = hazard_services.listing_create(
        actor=world.users["county"],
        data={
            "hazard": hazard_services.hazard_create(
                actor=clerk,
                data={
                    "subject": shop,
                    "found_on": day,
                    "category": "消防",
                    "level": "重大",
                    "description": "仓库堆放易燃物",
                },
            ),
            "tier": "县安委会",
            "notice_number": "测安委〔2026〕1号",
            "listed_on": day,
            "deadline": datetime.date(2026, 3, 20),
        },
    )
    problem = problem_services.public_order_problem_create(
        actor=clerk,
        data={"subject": shop, "found_on": day, "category": "黄赌毒", "description": "出租屋内疑似聚众赌博"},
    )
    person = person_services.key_person_create(
        actor=clerk,
        data={
            "subject": world.village_a.village_subject,
            "registered_on": day,
            "name": "张建国",
            "id_number": "990121198003151238",
            "category": "社区矫正",
            "risk_level": "高",
            "grid_worker": world.users["grid_a"],
            "visit_every_days": 7,
        },
    )
    person_link = person_services.person_link_add(actor=clerk, person=person, petition=petition)
    school = world.school_a
    school_dispute = dispute_services.dispute_create(
        actor=clerk,
        data={"subject": school, "found_on": day, "category": "其他", "summary": "学生家长纠纷", "source": "自查"},
    )
    school_hazard = hazard_services.hazard_create(
        actor=clerk,
        data={"subject": school, "found_on": day, "category": "校园周边", "level": "一般", "description": "围墙开裂"},
    )
    school_petition = petition_services.petition_create(
        actor=clerk,
        data={
            "subject": school,
            "received_on": day,
            "channel": "来信",
            "type": "建议意见",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "建议增设校车",
        },
    )
    Notification.objects.create(
        region=world.town_a,
        department=shop.department,
        message="甲一村超市的矛盾纠纷已超期",
        url=dispute.get_absolute_url(),
        object_label="disputes.dispute",
        object_id=str(dispute.pk),
        dedupe_key=f"walker-{dispute.pk}",
    )
    holiday_services.holiday_range_add(
        actor=world.users["admin"], start=datetime.date(2026, 10, 1), end=None, kind="放假", name="国庆节"
    )
    holiday = Holiday.objects.get(date=datetime.date(2026, 10, 1))
    import_job = ImportJob.objects.create(
        user=clerk, kind="disputes", filename="甲镇纠纷.xlsx", status=ImportJob.Status.VALIDATED
    )
    import_job.file.save("walker.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    export_job = ExportJob.objects.create(
        user=clerk, label="矛盾纠纷台账", kind="disputes", status=ExportJob.Status.DONE, row_count=1
    )
    export_job.file.save("walker-export.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        compute.compute_month(region=world.county, month=datetime.date(2026, 3, 1))
    from bulletins import services as bulletin_services
    from declarations.testing import declare_month

    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        declaration = declare_month(clerk, world.town_a, datetime.date(2026, 3, 1))
        county_user = world.users["county"]
        bulletin = bulletin_services.bulletin_create(
            actor=county_user, region=world.county, month=datetime.date(2026, 3, 1)
        )
        bulletin = bulletin_services.bulletin_publish(actor=county_user, bulletin=bulletin)
        bulletin_draft = bulletin_services.bulletin_create(
            actor=county_user, region=world.county, month=datetime.date(2026, 3, 1)
        )
    snapshot_job = SnapshotJob.objects.create(
        region=world.county, month=datetime.date(2026, 3, 1), requested_by=world.users["county"]
    )
    objects = ProbeObjects(
        subject={"pk": shop.pk},
        subject_edu={"subject_id": shop.pk},
        subject_month={"subject_id": shop.pk, "month": "2026-03"},
        region={"code": world.town_a.code},
        dispute=_transitions(dispute, DISPUTE_FLOW),
        hazard=_transitions(hazard, HAZARD_WORKFLOW),
        accident=_transitions(accident, ACCIDENT_WORKFLOW),
        petition=_transitions(petition, PETITION_FLOW),
        case=_transitions(case, CASE_FLOW),
        place=_transitions(place, PLACE_FLOW),
        listing=_transitions(listing, LISTING_WORKFLOW),
        problem=_transitions(problem, PROBLEM_WORKFLOW),
        dispute_entry={"pk": dispute.pk},
        hazard_entry={"pk": hazard.pk},
        accident_entry={"pk": accident.pk},
        petition_entry={"pk": petition.pk},
        case_entry={"pk": case.pk},
        place_entry={"pk": place.pk},
        listing_entry={"pk": listing.pk},
        problem_entry={"pk": problem.pk},
        listing_tier={"tier": "county"},
        level={"pk": MediationLevel.objects.order_by("order").first().pk},
        holiday={"pk": holiday.pk},
        holiday_year={"year": 2026},
        import_job={"pk": import_job.pk},
        import_template={"kind": "disputes"},
        export_job={"pk": export_job.pk},
        snapshot_job={"pk": snapshot_job.pk},
        school={"pk": school.pk},
        school_dispute={"pk": school_dispute.pk},
        school_hazard={"pk": school_hazard.pk},
        school_petition={"pk": school_petition.pk},
        notification_url=dispute.get_absolute_url(),
        hazard_selection={"id": [hazard.pk]},
        school_hazard_selection={"id": [school_hazard.pk]},
        dispute_attachment=_attachment(clerk, dispute),
        hazard_attachment=_attachment(clerk, hazard),
        accident_attachment=_attachment(clerk, accident),
        petition_attachment=_attachment(clerk, petition),
        case_attachment=_attachment(clerk, case),
        place_attachment=_attachment(clerk, place),
        listing_attachment=_attachment(clerk, listing),
        problem_attachment=_attachment(clerk, problem),
        person=_transitions(person, PERSON_FLOW),
        person_entry={"pk": person.pk},
        person_attachment=_attachment(clerk, person),
        person_link={"pk": person.pk, "lid": person_link.pk},
        declaration={"pk": declaration.pk},
        bulletin={"pk": bulletin.pk},
        bulletin_draft={"pk": bulletin_draft.pk},
    )
    add_agency_probes(objects, clerk, petition=petition, dispute=dispute, school_dispute=school_dispute)
    return objects


def add_agency_probes(objects: ProbeObjects, clerk, *, petition, dispute, school_dispute) -> None:
    """书记代办 records (agency) on 甲镇's petition and the school's dispute, through the service."""
    from agency.services import agency_create

    def taken(**matter):
        data = {"source": "本级自查", "included": True, "level": "乡镇", "secretary": "王书记", **matter}
        return agency_create(actor=clerk, data={"taken_on": datetime.date(2026, 3, 3), **data})

    objects.agency_entry = {"pk": taken(petition=petition).pk}
    objects.school_agency = {"pk": taken(dispute=school_dispute).pk}
    objects.agency_matter = {"dispute": dispute.pk}


def kwargs_list(objects: ProbeObjects, expect: Expect) -> list[dict]:
    """The kwargs of each probe: {} for a URL without arguments; "dispute:resolve,fail" for steps."""
    if expect.kwargs is None:
        return [{}]
    attr, _, steps = expect.kwargs.partition(":")
    value = getattr(objects, attr)
    if steps:
        return [value[step] for step in steps.split(",")]
    return value if isinstance(value, list) else [value]


def query_of(objects: ProbeObjects, expect: Expect) -> dict:
    """The probe's GET parameters: the declared dict, or the named ProbeObjects attribute's."""
    if isinstance(expect.query, str):
        return getattr(objects, expect.query)
    return expect.query or {}


def row_counts() -> dict[str, int]:
    """Rows of every table of the project's apps, in one query, by table: a refused POST must leave them all
    as they were. Keyed by name: PostgreSQL may return a UNION ALL's branches in any order (parallel append)."""
    from django.db import connection

    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in {"sessions", "admin", "contenttypes", "axes"} and model._meta.managed
    )
    sql = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return dict(cursor.fetchall())


def status_of(response) -> str:
    if response.status_code == 302 and response.headers.get("Location", "").startswith("/accounts/login/"):
        return "L"
    return str(response.status_code)


def url_for(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs or None)
