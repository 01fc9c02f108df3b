"""Issue 14: 重复访 as a three-zero rule. The 重复访从严口径 preset (or the 重复访不达标 option) fails 零上访
for a subject with a repeat petition in the period; the default rule does not."""

import datetime

import pytest
import time_machine

from dashboards import compute, services
from dashboards.choices import PRESETS, RulePreset, preset_of
from dashboards.models import RuleSet, SubjectMonth
from petitions.tests.helpers import petition

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


def verdict(subject) -> SubjectMonth:
    return SubjectMonth.objects.get(subject=subject, month=MARCH)


def test_the_default_rule_lets_a_repeat_petition_pass_the_repeat_preset_fails_it(world, client_as):
    first = petition(world, received_on=datetime.date(2026, 2, 3))
    again = petition(world, received_on=datetime.date(2026, 3, 9), is_repeat=True)
    petition(world, subject=world.school_a, received_on=datetime.date(2026, 3, 10))  # ordinary, not repeat
    compute.compute_month(region=world.county, month=MARCH)
    assert verdict(world.shop_a).petition_ok is True and verdict(world.shop_a).passed is True
    assert RuleSet.current("unit", world.county).petition_repeat is False

    rule = services.ruleset_update(
        actor=world.users["county"], group="unit", region=world.county, data={}, preset="repeat", reason="市平安办要求"
    )
    assert (rule.preset, rule.petition_repeat, rule.petition_skip_level) == ("repeat", True, True)
    assert "重复访" in rule.describe()[0]
    compute.compute_month(region=world.county, month=MARCH)
    row = verdict(world.shop_a)
    assert (row.petition_ok, row.passed, row.ytd_petition_ok) == (False, False, False)
    assert row.failures["petitions"] == [again.pk] and first.pk not in row.ytd_failures["petitions"]
    assert verdict(world.school_a).petition_ok is True  # an ordinary petition still passes
    # the drill-down names the subject among the failing ones, and the rules page says what the preset does
    html = client_as("county").get(f"/dashboard/rules/?region={world.county.code}").content.decode()
    assert "重复访从严口径" in html and "零上访另要求期间无重复访" in html


def test_the_repeat_option_alone_is_a_custom_rule_and_old_rules_keep_their_preset():
    assert PRESETS[RulePreset.DEFAULT]["petition_repeat"] is False
    assert preset_of({**PRESETS[RulePreset.DEFAULT], "petition_repeat": True}) == RulePreset.REPEAT
    assert preset_of({**PRESETS[RulePreset.SHANXI], "petition_repeat": True}) == RulePreset.CUSTOM
    # a rule saved before issue 14 has no 重复访 option: it reads as False, the preset it had
    assert preset_of({**PRESETS[RulePreset.SHANXI]}) == RulePreset.SHANXI


def test_a_repeat_petition_fails_under_the_custom_option(world):
    again = petition(world, received_on=datetime.date(2026, 3, 9), is_repeat=True)
    custom = {**RuleSet.current("village", world.county).values(), "petition_repeat": True, "petition_abnormal": False}
    services.ruleset_update(actor=world.users["county"], group="unit", region=world.county, data=custom, reason="从严")
    compute.compute_month(region=world.county, month=MARCH)
    assert verdict(world.shop_a).failures["petitions"] == [again.pk]
