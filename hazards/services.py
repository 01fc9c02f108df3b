"""Writes for hazards and accidents; every function takes the acting user and is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero import workdays
from sanzero.models import DeadlineSettings
from sanzero.scoping import user_scope
from sanzero.services import ServiceError, audited_save, full_clean
from sanzero.signals import subject_days_changed

from .choices import LISTING_ACTIVE, HazardLevel, HazardStatus, ListingStatus
from .forms import LISTING_META_FIELDS
from .models import LISTING_PLAN_FIELDS, PLAN_FIELDS, Accident, Hazard, HazardListing, ListingLetter
from .workflow import ACCIDENT_WORKFLOW, HAZARD_WORKFLOW, LIST_ROLES, LISTING_WORKFLOW

HAZARD_FIELDS = (
    "subject",
    "found_on",
    "category",
    "level",
    "description",
    "rectify_due",
    "responsible_person",
    "measures",
    *PLAN_FIELDS,
)
ACCIDENT_FIELDS = ("subject", "occurred_on", "kind", "deaths", "injuries", "serious_injuries", "direct_loss", "summary")


def _with_default_due(data: dict, rules, current: Hazard | None = None) -> dict:
    """Store the rectification deadline itself (the default when left blank), so statistics can
    still tell after rectification whether it was overdue at a month's end (DESIGN §5)."""
    merged = {**({} if current is None else {"found_on": current.found_on, "level": current.level}), **data}
    if not merged.get("rectify_due") and merged.get("found_on"):
        probe = Hazard(found_on=merged["found_on"], level=merged.get("level") or HazardLevel.GENERAL)
        data = {**data, "rectify_due": probe.default_rectify_due(rules)}
    return data


def hazard_create(*, actor, data: dict, steps=()) -> Hazard:
    rules = DeadlineSettings.current()
    return entry_create(actor=actor, model=Hazard, data=_with_default_due(data, rules), rules=rules, steps=steps)


def hazard_update(*, actor, obj: Hazard, data: dict, expected_version: int | None = None) -> list[str]:
    rules = DeadlineSettings.current()
    moves = ("subject" in data and data["subject"] != obj.subject) or data.get("level", obj.level) != obj.level
    if moves and obj.listings.filter(status__in=LISTING_ACTIVE).exists():
        raise ServiceError("该隐患正在挂牌督办中，不能更换创建主体或改为一般隐患；摘牌销号后再修改。")
    return entry_update(
        actor=actor,
        obj=obj,
        data=_with_default_due(data, rules, obj),
        fields=HAZARD_FIELDS,
        expected_version=expected_version,
        rules=rules,
    )


def hazard_transition(
    *, actor, obj: Hazard, name: str, data: dict | None = None, expected_version: int | None = None
) -> Hazard:
    return transition_run(
        actor=actor,
        obj=obj,
        workflow=HAZARD_WORKFLOW,
        name=name,
        data=data or {},
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


def hazard_bulk_accept(*, actor, ids, data: dict) -> list[Hazard]:
    """批量验收: accept every hazard of `ids` through the accept step (one audit entry each), or none.

    `data` is the step's: accepted_on, note. The first hazard that may not be accepted (out of scope,
    not 待验收, rectified by the actor, accepted before its rectification) refuses the whole batch with
    a message naming it; nothing is written then.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ServiceError("请先勾选要验收的隐患。")
    hazards = list(
        Hazard.objects.for_user(actor).filter(pk__in=ids).select_related("subject").order_by("found_on", "pk")
    )
    if len(hazards) != len(ids):
        raise PermissionDenied(f"所选的{len(ids) - len(hazards)}条隐患不在您的管辖范围内或已不存在，未验收任何隐患。")
    accepted_on = data["accepted_on"]
    with transaction.atomic():
        for number, hazard in enumerate(hazards, start=1):
            where = f"第{number}条“{hazard}”"
            if hazard.status == HazardStatus.AWAITING and hazard.rectified_on and accepted_on < hazard.rectified_on:
                raise ServiceError(
                    f"{where}：验收日期不能早于整改完成日期（{hazard.rectified_on:%Y-%m-%d}），未验收任何隐患。"
                )
            try:
                hazard_transition(actor=actor, obj=hazard, name="accept", data=data)
            except (ServiceError, PermissionDenied) as exc:
                raise ServiceError(f"{where}：{exc}未验收任何隐患。") from exc
            except ValidationError as exc:
                raise ServiceError(f"{where}：{'；'.join(exc.messages)}。未验收任何隐患。") from exc
    return hazards


def accident_create(*, actor, data: dict, steps=()) -> Accident:
    return entry_create(actor=actor, model=Accident, data=data, steps=steps)


def accident_update(*, actor, obj: Accident, data: dict, expected_version: int | None = None) -> list[str]:
    return entry_update(actor=actor, obj=obj, data=data, fields=ACCIDENT_FIELDS, expected_version=expected_version)


def accident_transition(
    *, actor, obj: Accident, name: str, data: dict | None = None, expected_version: int | None = None
) -> Accident:
    return transition_run(
        actor=actor, obj=obj, workflow=ACCIDENT_WORKFLOW, name=name, data=data or {}, expected_version=expected_version
    )


# --- 挂牌督办 ----------------------------------------------------------------------------------------

#: working days a 督办函 gives to finish the rectification and report in writing
LETTER_REPLY_WORKDAYS = 5
LETTER_DEFAULT_CONTENT = (
    "该重大事故隐患已超过挂牌督办整改时限仍未整改到位。请立即落实“五落实”，限期整改到位，并将整改情况书面报告。"
)
#: the hazard step each listing step takes its hazard through (services.hazard_follow_listing)
HAZARD_FOLLOWS = {"rectify": ("rectify",), "review_reject": ("reject",), "accept_reject": ("reject",)}
HAZARD_FOLLOWS["delist"] = ("rectify", "accept")  # rectify only if the hazard is still 整改中


def _listing_data(data: dict) -> dict:
    data = dict(data)
    if "notice_number" in data:
        data["notice_number"] = (data["notice_number"] or "").strip()
    return data


def listing_create(*, actor, data: dict, steps=()) -> HazardListing:
    """挂牌: a 重大 hazard of the actor's scope, still 整改中 and not listed now, listed by county staff.
    The listing keeps the hazard's subject; ``steps`` (an imported listing's status) move the hazard too."""
    if user_scope(actor).role not in LIST_ROLES:
        raise PermissionDenied("只有县平安办（安委会办公室）可以挂牌督办。")
    hazard = data.get("hazard")
    if hazard is None or not Hazard.objects.for_user(actor).filter(pk=hazard.pk).exists():
        raise PermissionDenied("所选隐患不在您的管辖范围内。")
    if hazard.level != HazardLevel.MAJOR:
        raise ServiceError("只有重大隐患可以挂牌督办。")
    if hazard.status != HazardStatus.RECTIFYING:
        raise ServiceError(f"该隐患当前状态为“{hazard.get_status_display()}”，只有整改中的重大隐患可以挂牌督办。")
    if hazard.listings.filter(status__in=LISTING_ACTIVE).exists():
        raise ServiceError("该隐患已在挂牌督办中，不能重复挂牌。")
    listed_on = data.get("listed_on")
    if listed_on is not None and listed_on < hazard.found_on:
        raise ServiceError(f"挂牌日期不能早于隐患发现日期（{hazard.found_on:%Y-%m-%d}）。")
    rules = DeadlineSettings.current()
    with transaction.atomic():
        listing = entry_create(
            actor=actor,
            model=HazardListing,
            data={**_listing_data(data), "subject": hazard.subject},
            rules=rules,
            reason=f"{data.get('tier', '')}挂牌督办",
            steps=steps,
        )
        _write_step_rows(listing)
        for transition, _ in steps:
            _hazard_follows(actor=actor, listing=listing, step=transition.name)
    return listing


def listing_update(*, actor, obj: HazardListing, data: dict, expected_version: int | None = None) -> list[str]:
    """County staff change the listing and its 五落实; the township's users the 五落实 only; nobody a
    listing 摘牌销号 (published as it stood)."""
    fields = [*LISTING_PLAN_FIELDS]
    if user_scope(actor).role in LIST_ROLES:
        fields = [*LISTING_META_FIELDS, *fields]
    elif any(name in data and data[name] != getattr(obj, name) for name in LISTING_META_FIELDS):
        raise PermissionDenied("挂牌层级、文号、挂牌日期、整改时限和督办要求由县平安办修改。")
    data = _listing_data(data)
    if obj.status == ListingStatus.DELISTED and any(
        name in data and data[name] != getattr(obj, name) for name in fields
    ):  # the same values again (a re-imported sheet) change nothing and pass
        raise ServiceError("已摘牌销号的挂牌督办不能再修改：它已按摘牌时的内容公布。")
    return entry_update(
        actor=actor,
        obj=obj,
        data=data,
        fields=fields,
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


def listing_transition(
    *, actor, obj: HazardListing, name: str, data: dict | None = None, expected_version: int | None = None
) -> HazardListing:
    """One step of the listing (LISTING_WORKFLOW) with what it writes besides: its approval record
    (初审/验收), a 督办函 by hand, and its hazard's own step (HAZARD_FOLLOWS): all or nothing."""
    with transaction.atomic():
        listing = transition_run(
            actor=actor,
            obj=obj,
            workflow=LISTING_WORKFLOW,
            name=name,
            data=data or {},
            expected_version=expected_version,
            rules=DeadlineSettings.current(),
        )
        _write_step_rows(listing)
        if name == "letter":
            _letter_row(
                listing, actor=actor, today=timezone.localdate(), content=listing.__dict__.pop("_letter_content", "")
            )
        _hazard_follows(actor=actor, listing=listing, step=name, note=(data or {}).get("opinion", ""))
    return listing


def _write_step_rows(listing: HazardListing) -> None:
    for review in listing.__dict__.pop("_new_reviews", []):
        review.listing = listing
        full_clean(review)
        review.save()


def _hazard_follows(*, actor, listing: HazardListing, step: str, note: str = "") -> None:
    """The hazard's own step for the listing's: by the hazard workflow's rules (its apply functions),
    not its role table (county staff close it at 摘牌销号), audited on the hazard."""
    names = HAZARD_FOLLOWS.get(step, ())
    if not names:
        return
    hazard = Hazard.objects.select_for_update().get(pk=listing.hazard_id)
    rules = DeadlineSettings.current()
    moved = False
    for name in names:
        transition = HAZARD_WORKFLOW.get(name)
        if hazard.status not in transition.sources:
            continue
        moved = True
        if name == "rectify":
            data = {"rectified_on": listing.rectified_on or listing.accepted_on, "rectified_by": listing.rectified_by}
        elif name == "accept":
            data = {
                "accepted_on": listing.accepted_on,
                "accepted_by": listing.accepted_by,
                "note": f"挂牌督办验收通过，摘牌销号{('（' + listing.delist_number + '）') if listing.delist_number else ''}",
            }
        else:
            stage = "初审" if step == "review_reject" else "验收"
            data = {"note": f"挂牌督办{stage}不通过：{note}"[:500]}
            if listing.deadline > (hazard.rectify_due or listing.deadline):
                data["rectify_due"] = listing.deadline
        old = hazard.get_status_display()
        changed = _plan_from_listing(hazard, listing) if name == "rectify" else []
        changed += list(transition.apply(hazard, data, actor, rules))
        hazard.status = transition.target
        hazard.due_on = hazard.compute_due_on(rules)
        full_clean(hazard)
        hazard.version += 1
        audited_save(
            hazard,
            actor=actor,
            reason=f"挂牌督办{LISTING_WORKFLOW.get(step).label}：{old} → {hazard.get_status_display()}",
            update_fields=sorted({*changed, "status", "due_on", "version", "updated_at"}),
        )
    if moved:  # the hazard's 整改数 and 超期 move the 台账数据 of its months (dashboards.incremental)
        subject_days_changed.send(sender=Hazard, changes=[(hazard.subject_id, hazard.found_on)])


def _plan_from_listing(hazard: Hazard, listing: HazardListing) -> list[str]:
    """The hazard's own 五落实 (text) filled in from its listing's, where the hazard has none yet."""
    duty = "，".join(
        x
        for x in (
            listing.duty_unit,
            f"整改责任人{listing.duty_person}" if listing.duty_person else "",
            f"包保领导{listing.duty_leader}" if listing.duty_leader else "",
        )
        if x
    )
    funds = (
        f"{listing.funds}万元" + (f"（{listing.funds_source}）" if listing.funds_source else "")
        if listing.funds is not None
        else ""
    )
    values = {
        "plan_responsibility": duty[:200],
        "plan_measures": listing.measures[:500],
        "plan_funds": funds[:200],
        "plan_deadline": listing.plan_deadline,
        "plan_contingency": listing.contingency[:500],
    }
    changed = []
    for name, value in values.items():
        if getattr(hazard, name) in (None, "") and value not in (None, ""):
            setattr(hazard, name, value)
            changed.append(name)
    return changed


def _county_name(listing: HazardListing) -> str:
    from units.models import Region

    code = listing.subject.region.code
    county = Region.objects.filter(code=code[:6].ljust(len(code), "0")).values_list("name", flat=True).first()
    return county or ""


def _letter_row(listing: HazardListing, *, actor, today: datetime.date, content: str) -> ListingLetter:
    """The 督办函 itself: numbered 〔year〕n by the county's letters of the year, 5 working days to report."""
    prefix = f"{_county_name(listing)}安委办督函〔{today:%Y}〕"
    count = ListingLetter.objects.filter(number__startswith=prefix).count()
    letter = ListingLetter(
        listing=listing,
        sequence=listing.letters.count() + 1,
        number=f"{prefix}{count + 1}号",
        issued_on=today,
        reply_due=workdays.add_workdays(today, LETTER_REPLY_WORKDAYS),
        overdue_days=max(0, (today - listing.deadline).days),
        content=content or LETTER_DEFAULT_CONTENT,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    full_clean(letter)
    audited_save(letter, actor=actor, reason=f"发督办函（第{letter.sequence}次督办）")
    return letter


def listing_escalate(*, listing_id: int, today: datetime.date | None = None) -> ListingLetter | None:
    """An overdue listing escalates to a 督办函: still 督办中 past its 整改时限, and past the previous
    letter's reply deadline if it had one. Idempotent: a second run the same day issues nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        listing = (
            HazardListing.objects.select_for_update(of=("self",))
            .select_related("subject__region")
            .filter(pk=listing_id)
            .first()
        )
        if listing is None or listing.status != ListingStatus.SUPERVISING or listing.due_on is None:
            return None
        last = listing.letters.order_by("-sequence").first()
        limit = max(listing.due_on, last.reply_due) if last else listing.due_on
        if today <= limit:
            return None
        letter = _letter_row(listing, actor=None, today=today, content="")
        listing.letters_count = letter.sequence
        listing.version += 1
        audited_save(
            listing,
            actor=None,
            reason=f"逾期未整改，发督办函{letter.number}，限{letter.reply_due:%Y-%m-%d}前整改到位并书面报告",
            update_fields=["letters_count", "version", "updated_at"],
        )
    return letter


def listings_escalate_overdue(*, today: datetime.date | None = None) -> list[ListingLetter]:
    """Every overdue listing's 督办函 due today (the daily beat task, hazards.tasks)."""
    today = today or timezone.localdate()
    ids = HazardListing.objects.filter(status=ListingStatus.SUPERVISING, due_on__lt=today).values_list("pk", flat=True)
    return [letter for pk in list(ids) if (letter := listing_escalate(listing_id=pk, today=today))]
