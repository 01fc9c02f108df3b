"""seed_demo --scale city at a fiftieth of its size: reproducible from the seed, and every entry one the
ledgers' services could have written (valid, in its writer's scope, deadlines as the service stores them)."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from sanzero.models import DeadlineSettings
from units.models import Region, Subject
from units.scale import LEDGER_RATES

pytestmark = pytest.mark.django_db

LEDGERS = [
    "disputes.Dispute",
    "hazards.Hazard",
    "hazards.Accident",
    "petitions.Petition",
    "cases.PoliceCase",
    "places.KeyPlace",
    "persons.KeyPerson",
]
SKIP = {
    "id",
    "subject",
    "created_by",
    "rectified_by",
    "accepted_by",
    "created_at",
    "updated_at",
    "id_number_hash",
    "phone_hash",
}


def seed(*extra):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "city", "--size", "0.02", "--year", "2025", *extra, stdout=out)
    return "\n".join(line for line in out.getvalue().splitlines() if "秒" not in line)  # timings vary


def fingerprint() -> dict:
    """Counts of every table the seed fills and the first rows of each, without ids and clock times."""
    found = {"regions": Region.objects.count(), "users": get_user_model().objects.count()}
    found["subjects"] = list(
        Subject.objects.order_by("pk").values_list("name", "region__code", "category__name", "phone")[:5]
    )
    found["subject_count"] = Subject.objects.count()
    for label in LEDGERS:
        model = apps.get_model(label)
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in SKIP]
        found[label] = model.objects.count()
        found[label + " rows"] = [
            (row.subject.name, *(getattr(row, f) for f in fields)) for row in model.objects.order_by("pk")[:5]
        ]
    found["snapshots"] = apps.get_model("dashboards.SubjectMonth").objects.count()
    return found


class Undo(Exception):
    pass


def test_a_small_city_is_the_same_twice_from_one_seed():
    try:
        with transaction.atomic():
            out = seed()
            first = fingerprint()
            raise Undo
    except Undo:
        pass
    assert Region.objects.count() == 0
    assert seed() == out
    assert fingerprint() == first

    assert "已载入演示市“示范市”" in out and "city     / Sanling@2026" in out
    assert first["regions"] == 1 + 12 + 144 + round(2662 * 0.02) + round(159 * 0.02)
    assert first["subject_count"] == Subject.objects.count() > 1000
    subjects = first["subject_count"]
    # a year of entries at the seeds' rates
    assert first["disputes.Dispute"] == round(LEDGER_RATES["矛盾纠纷"] * subjects)
    assert first["petitions.Petition"] == round(LEDGER_RATES["信访"] * subjects)
    assert first["hazards.Hazard"] == round(LEDGER_RATES["安全隐患"] * subjects)
    # the year's twelve months of snapshots, for every subject
    assert first["snapshots"] == 12 * subjects


def test_every_entry_is_one_its_writer_could_have_saved():
    seed("--no-snapshots")
    rules = DeadlineSettings.current()
    User = get_user_model()
    for label in LEDGERS:
        model = apps.get_model(label)
        entries = list(model.objects.select_related("subject__region"))
        assert entries, label
        for entry in entries:
            entry.full_clean()  # fields, choices and the model's own rules
            assert entry.due_on == entry.compute_due_on(rules), (label, entry.pk)
            day = getattr(entry, model.DATE_FIELD)  # inside the subject's period (DESIGN §5)
            assert entry.subject.joined_on is None or entry.subject.joined_on <= day
            assert entry.subject.left_on is None or day < entry.subject.left_on
        # the writer's scope reaches the entry: the service would have let them save it
        for user_id in {e.created_by_id for e in entries}:
            user = User.objects.get(pk=user_id)
            mine = {e.pk for e in entries if e.created_by_id == user_id}
            assert mine <= set(model.objects.for_user(user, "change").values_list("pk", flat=True)), (label, user)
    hazards = apps.get_model("hazards.Hazard").objects.exclude(accepted_by=None)
    assert hazards.exists()
    for hazard in hazards:
        assert hazard.accepted_by_id != hazard.rectified_by_id  # acceptance is another user's
        assert hazard.found_on <= hazard.rectified_on <= hazard.accepted_on
    disputes = apps.get_model("disputes.Dispute").objects.filter(status="已化解")
    assert all(d.found_on <= d.resolved_on for d in disputes)
    petitions = apps.get_model("petitions.Petition").objects.filter(status="已办结")
    assert all(p.received_on <= p.replied_on <= p.closed_on for p in petitions)
