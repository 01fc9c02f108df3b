"""Every URL under the permission matrix (issue 13, point 1).

The test walks the URL resolver (django.urls.get_resolver, includes and namespaces resolved) and
requests every pattern as each role of the fixture county — anonymous, clerk of 甲镇 (A), clerk of
乙镇 (B), the grid worker of 甲一村, the 教育局 user, county staff, the administrator — with its ids
filled by objects of township A or of the county user (sanzero.tests.url_matrix.probe_objects): every
ledger entry and each of its workflow steps, the subject, its month, the region, import and export
jobs and their downloads, the snapshot job and its htmx partial, holidays, mediation levels.

EXPECTED below declares, per URL name, what each role gets from a GET and from an empty POST
(L = the login redirect); a POST never writes except where `writes` says (and all POSTs are rolled
back). A URL pattern the resolver has and EXPECTED lacks fails the test: a new view needs its row,
and so its scoping, decided. Anonymous users get the login redirect everywhere but PUBLIC. Django's
admin (/admin/) is checked separately: staff only, every one of its pages.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sanzero.testing import walk_urls
from sanzero.tests.url_matrix import (
    ROLES,
    Expect,
    kwargs_list,
    probe_objects,
    query_of,
    row_counts,
    status_of,
    url_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]  # probe objects' files

E = Expect
#: the only views an anonymous visitor reaches (besides /static/, which whitenoise serves before any view)
PUBLIC = {"healthz", "login"}

EXPECTED: dict[str, list[Expect]] = {
    "login": [E("200 302 302 302 302 302 302", "200 302 302 302 302 302 302", why="a signed-in user is sent home")],
    "logout": [E("L 405 405 405 405 405 405", "L L L L L L L", why="POST only: it signs out and goes to login")],
    "home": [E("L 200 200 200 200 200 200", "L 200 200 200 200 200 200")],
    "healthz": [E("200 200 200 200 200 200 200", "200 200 200 200 200 200 200")],
    "password_change": [E("L 200 200 200 200 200 200", "L 200 200 200 200 200 200")],
    "password_change_done": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "supervision": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "notifications": [
        E(
            "L 200 200 200 200 200 200",
            "L 302 302 302 302 302 302",
            writes=("clerk_a", "county", "admin"),
            why="POST: 全部标记为已读",
        )
    ],
    "deadline_settings": [E("L 403 403 403 403 200 200", "L 403 403 403 403 400 400")],
    "holidays:index": [E("L 403 403 403 403 200 200", "L 403 403 403 403 400 400")],
    "holidays:delete_day": [
        E(
            "L 403 403 403 403 200 200",
            "L 403 403 403 403 302 302",
            kwargs="holiday",
            writes=(
                "county",
                "admin",
            ),
        )
    ],
    "holidays:delete_year": [
        E(
            "L 403 403 403 403 200 200",
            "L 403 403 403 403 302 302",
            kwargs="holiday_year",
            writes=(
                "county",
                "admin",
            ),
        )
    ],
    "holidays:recompute": [E("L 405 405 405 405 405 405", "L 403 403 403 403 302 302")],
    "units:subject_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "units:subject_create": [E("L 200 200 403 403 403 200", "L 400 400 403 403 403 400")],
    "units:subject_detail": [
        E(
            "L 200 404 200 404 200 200",
            "L 200 404 403 404 200 200",
            kwargs="subject",
            writes=("clerk_a", "county", "admin"),
            why="POST: 查看完整信息 (the reveal of the phone, logged)",
        )
    ],
    "units:subject_edit": [E("L 200 404 403 404 403 200", "L 400 404 403 404 403 400", kwargs="subject")],
    "units:subject_deregister": [E("L 200 404 403 404 403 200", "L 400 404 403 404 403 400", kwargs="subject")],
    "units:region_browse_root": [E("L 200 200 200 200 200 200", "L 200 200 200 200 200 200")],
    "units:region_browse": [E("L 200 404 404 200 200 200", "L 200 404 404 200 200 200", kwargs="region")],
    "disputes:dispute_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "disputes:dispute_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "disputes:dispute_detail": [
        E(
            "L 200 404 200 404 200 200",
            "L 200 404 403 404 200 200",
            kwargs="dispute_entry",
            writes=(
                "clerk_a",
                "county",
                "admin",
            ),
        )
    ],
    "disputes:dispute_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="dispute_entry")],
    "disputes:level_list": [E("L 403 403 403 403 200 200", "L 403 403 403 403 405 405")],
    "disputes:level_create": [E("L 403 403 403 403 200 200", "L 403 403 403 403 400 400")],
    "disputes:level_edit": [E("L 403 403 403 403 200 200", "L 403 403 403 403 400 400", kwargs="level")],
    "disputes:level_delete": [E("L 403 403 403 403 405 405", "L 403 403 403 403 302 302", kwargs="level")],
    "hazards:acceptance_queue": [E("L 200 200 200 200 403 200", "L 405 405 405 405 405 405")],
    "hazards:hazard_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "hazards:hazard_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "hazards:hazard_detail": [E("L 200 404 200 404 200 200", "L 403 404 403 404 403 403", kwargs="hazard_entry")],
    "hazards:hazard_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="hazard_entry")],
    "hazards:accident_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "hazards:accident_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "hazards:accident_detail": [E("L 200 404 200 404 200 200", "L 403 404 403 404 403 403", kwargs="accident_entry")],
    "hazards:accident_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="accident_entry")],
    "petitions:petition_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "petitions:petition_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "petitions:petition_detail": [
        E(
            "L 200 404 200 404 200 200",
            "L 200 404 403 404 200 200",
            kwargs="petition_entry",
            writes=(
                "clerk_a",
                "county",
                "admin",
            ),
        )
    ],
    "petitions:petition_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="petition_entry")],
    "cases:case_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "cases:case_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "cases:case_detail": [E("L 200 404 200 404 200 200", "L 403 404 403 404 403 403", kwargs="case_entry")],
    "cases:case_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="case_entry")],
    "places:place_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "places:place_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "places:place_detail": [
        E(
            "L 200 404 200 404 200 200",
            "L 200 404 403 404 200 200",
            kwargs="place_entry",
            writes=(
                "clerk_a",
                "county",
                "admin",
            ),
        )
    ],
    "places:place_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="place_entry")],
    # 挂牌督办: county staff list (挂牌) and may change a listing; the township's users change its 五落实
    "hazards:listing_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "hazards:listing_create": [E("L 403 403 403 403 200 200", "L 403 403 403 403 400 400")],
    "hazards:listing_detail": [E("L 200 404 200 404 200 200", "L 403 404 403 404 403 403", kwargs="listing_entry")],
    "hazards:listing_edit": [E("L 200 404 200 404 200 200", "L 400 404 400 404 400 400", kwargs="listing_entry")],
    # the published list of a tier: every role, its own scope (乙镇's clerk sees none of 甲镇's)
    "hazards:listing_published": [
        E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", kwargs="listing_tier"),
        E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", kwargs="listing_tier", query={"year": "2026"}),
    ],
    "publicorder:problem_list": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "publicorder:problem_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "publicorder:problem_detail": [E("L 200 404 200 404 200 200", "L 403 404 403 404 403 403", kwargs="problem_entry")],
    "publicorder:problem_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="problem_entry")],
    # 重点人员: no 行业主管部门 (its role table), and a grid worker reaches only the persons it keeps
    # (包户: grid_a keeps the probe's person), and may reveal them (a logged POST) like a clerk
    "persons:person_list": [
        E("L 200 200 200 403 200 200", "L 405 405 405 403 405 405", why="行业主管部门: no view of persons")
    ],
    "persons:person_create": [E("L 200 200 200 403 403 200", "L 400 400 400 403 403 400")],
    "persons:person_detail": [
        E(
            "L 200 404 200 404 200 200",
            "L 200 404 200 404 200 200",
            kwargs="person_entry",
            writes=("clerk_a", "grid_a", "county", "admin"),
            why="POST: 显示完整个人信息, the 包户 grid worker too (logged)",
        )
    ],
    "persons:person_edit": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="person_entry")],
    # the 包户 picker's search: the roles that register persons (county staff read only: 403)
    "persons:grid_worker_search": [E("L 200 200 200 403 403 200", "L 405 405 405 405 405 405")],
    "persons:person_link_add": [
        E("L 405 405 405 405 405 405", "L 302 404 302 404 403 302", kwargs="person_entry", why="POST only")
    ],
    "persons:person_link_delete": [
        E(
            "L 200 404 200 404 403 200",
            "L 302 404 302 404 403 302",
            kwargs="person_link",
            writes=("clerk_a", "grid_a", "admin"),
        )
    ],
    "persons:person_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="person:visit,release")
    ],
    "dashboards:overview": [E("L 200 200 200 200 200 200", "L 200 200 200 200 200 200")],
    "dashboards:ranking": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "dashboards:failing": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "dashboards:subject_month": [E("L 200 404 200 404 200 200", "L 200 404 200 404 200 200", kwargs="subject_month")],
    "dashboards:override": [
        E(
            "L 405 405 405 405 405 405",
            "L 403 404 403 404 302 302",
            kwargs="subject_month",
            writes=(
                "county",
                "admin",
            ),
        )
    ],
    "dashboards:subject_history": [E("L 200 404 200 404 200 200", "L 200 404 200 404 200 200", kwargs="subject_edu")],
    "dashboards:recompute": [E("L 405 405 405 405 405 405", "L 302 302 302 302 302 302")],
    # a snapshot job is county staff's (issue 13's hole: the 教育局 user used to read it), its htmx partial too
    "dashboards:job": [
        E(
            "L 404 404 404 404 200 200",
            "L 404 404 404 404 200 200",
            kwargs="snapshot_job",
            htmx="L 404 404 404 404 200 200",
        )
    ],
    "dashboards:month_action": [E("L 405 405 405 405 405 405", "L 404 404 404 404 404 404")],
    "dashboards:month_submit": [
        E("L 200 200 403 403 403 404", "L 200 200 403 403 403 404", why="上报 is a township's; the admin has none: 404")
    ],
    "dashboards:late_changes": [E("L 200 200 200 200 200 200", "L 200 200 200 200 200 200")],
    "dashboards:targets": [E("L 200 200 200 200 200 200", "L 403 403 403 403 302 302")],
    "dashboards:rules": [E("L 200 200 200 200 200 200", "L 403 403 403 403 404 404")],
    "reports:index": [E("L 200 200 403 200 200 200", "L 200 200 403 200 200 200")],
    # 零报告: clerks and grid workers declare (their township / village), county staff read, 教育局 has none (403)
    "declarations:board": [E("L 200 200 200 403 200 200", "L 405 405 405 405 405 405")],
    "declarations:declare": [
        E(
            "L 200 200 200 403 403 404",
            "L 400 400 400 403 403 404",
            why="an empty POST is refused with its reason (400); the admin's own region is the county: 404",
        )
    ],
    "declarations:silent": [E("L 200 200 200 403 200 200", "L 405 405 405 405 405 405")],
    "declarations:detail": [E("L 200 404 404 403 200 200", "L 405 405 405 405 405 405", kwargs="declaration")],
    "declarations:withdraw": [
        E("L 405 405 405 405 405 405", "L 302 404 404 403 403 302", kwargs="declaration", why="no reason: refused")
    ],
    # 排名通报: everyone reads the county's published bulletins; drafts and every write are county staff's
    "bulletins:index": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "bulletins:create": [E("L 405 405 405 405 405 405", "L 403 403 403 403 302 302", why="no month: refused")],
    "bulletins:detail": [
        E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", kwargs="bulletin"),
        E("L 404 404 404 404 200 200", "L 405 405 405 405 405 405", kwargs="bulletin_draft"),
    ],
    "bulletins:edit": [
        E("L 403 403 403 403 302 302", "L 403 403 403 403 302 302", kwargs="bulletin", why="published: refused"),
        E("L 404 404 404 404 200 200", "L 404 404 404 404 400 400", kwargs="bulletin_draft"),
    ],
    "bulletins:refresh": [
        E("L 405 405 405 405 405 405", "L 403 403 403 403 302 302", kwargs="bulletin"),
        E("L 405 405 405 405 405 405", "L 404 404 404 404 302 302", kwargs="bulletin_draft"),
    ],
    "bulletins:publish": [
        E("L 405 405 405 405 405 405", "L 403 403 403 403 302 302", kwargs="bulletin"),
        E(
            "L 405 405 405 405 405 405",
            "L 404 404 404 404 302 302",
            kwargs="bulletin_draft",
            writes=("county", "admin"),
        ),
    ],
    "bulletins:delete": [
        E("L 405 405 405 405 405 405", "L 403 403 403 403 302 302", kwargs="bulletin"),
        E(
            "L 405 405 405 405 405 405",
            "L 404 404 404 404 302 302",
            kwargs="bulletin_draft",
            writes=("county", "admin"),
        ),
    ],
    "bulletins:xlsx": [
        E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", kwargs="bulletin"),
        E("L 404 404 404 404 404 404", "L 405 405 405 405 405 405", kwargs="bulletin_draft", why="a draft has no file"),
    ],
    "bulletins:pdf": [
        E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", kwargs="bulletin"),
        E("L 404 404 404 404 404 404", "L 405 405 405 405 405 405", kwargs="bulletin_draft", why="a draft has no file"),
    ],
    # 矛盾纠纷排查情况表: townships and the county; 网格员 and 行业主管部门 have none (403). An empty 报送 POST
    # names no month: 400, nothing written.
    "reports:paicha": [E("L 200 200 403 403 200 200", "L 405 405 405 405 405 405")],
    "reports:paicha_submit": [E("L 405 405 405 405 405 405", "L 400 400 403 403 400 400")],
    # 一张图 and its JSON: every role its own scope (the default region), GET only
    "atlas:map": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "atlas:map_data": [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")],
    "importing:index": [E("L 200 200 200 403 200 200", "L 400 400 400 403 400 400")],
    "importing:history": [E("L 200 200 200 403 200 200", "L 200 200 200 403 200 200")],
    # An import job is its uploader's alone (county and admin: 404 too); 教育局 imports nothing (403).
    # Its htmx poll of a finished job answers 204 with HX-Refresh (the page reloads itself).
    "importing:job": [
        E(
            "L 200 404 404 403 404 404",
            "L 200 404 404 403 404 404",
            kwargs="import_job",
            htmx="L 204 404 404 403 404 404",
        )
    ],
    "importing:confirm": [E("L 405 405 405 405 405 405", "L 302 404 404 403 404 404", kwargs="import_job")],
    "importing:download": [E("L 200 404 404 403 404 404", "L 200 404 404 403 404 404", kwargs="import_job")],
    "importing:template": [E("L 200 200 200 403 403 200", "L 200 200 200 403 403 200", kwargs="import_template")],
    "exporting:index": [E("L 200 200 200 200 200 200", "L 200 200 200 200 200 200", htmx="L 200 200 200 200 200 200")],
    # a download is its exporter's alone
    "exporting:download": [E("L 200 404 404 404 404 404", "L 200 404 404 404 404 404", kwargs="export_job")],
    "disputes:dispute_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="dispute:mediate,resolve,escalate,fail"),
        E("L 302 404 302 404 403 302", "L 400 404 400 404 403 400", kwargs="dispute:transfer,follow_up"),
    ],
    "hazards:hazard_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="hazard:rectify"),
        E("L 302 404 302 404 403 302", "L 400 404 400 404 403 400", kwargs="hazard:accept,reject"),
    ],
    "hazards:accident_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="accident:close")
    ],
    "petitions:petition_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="petition:notify,extend,reply"),
        E("L 302 404 302 404 403 302", "L 400 404 400 404 403 400", kwargs="petition:close"),
    ],
    "cases:case_transition": [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="case:solve,close")],
    "places:place_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="place:inspect,retire")
    ],
    # the listing is 督办中 and overdue: 登记整改完成 (EDIT_ROLES) and 发督办函 (county staff) are offered; the
    # others are refused by role (403) or, for a role that may take them later, sent back to the page (302)
    "hazards:listing_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="listing:rectify"),
        E("L 302 404 403 404 403 302", "L 400 404 403 404 403 400", kwargs="listing:review,review_reject"),
        E("L 403 404 403 404 302 302", "L 403 404 403 404 400 400", kwargs="listing:accept,accept_reject,delist"),
        E("L 403 404 403 404 200 200", "L 403 404 403 404 400 400", kwargs="listing:letter"),
    ],
    "publicorder:problem_transition": [
        E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="problem:resolve,transfer"),
        E("L 302 404 302 404 403 302", "L 400 404 400 404 403 400", kwargs="problem:reopen"),
    ],
}

# Entries of 甲镇中心学校 (教育局's, at the township itself): the 教育局 user reaches them, 甲一村's grid worker does not.
EXPECTED["units:subject_detail"].append(
    E("L 200 404 404 200 200 200", "L 200 404 404 403 200 200", kwargs="school", writes=("clerk_a", "county", "admin"))
)
EXPECTED["disputes:dispute_detail"].append(
    E(
        "L 200 404 404 200 200 200",
        "L 200 404 404 403 200 200",
        kwargs="school_dispute",
        writes=("clerk_a", "county", "admin"),
    )
)
EXPECTED["disputes:dispute_edit"].append(
    E("L 200 404 404 403 403 200", "L 400 404 404 403 403 400", kwargs="school_dispute")
)
EXPECTED["hazards:hazard_detail"].append(
    E("L 200 404 404 200 200 200", "L 403 404 404 403 403 403", kwargs="school_hazard")
)
EXPECTED["petitions:petition_detail"].append(
    E(
        "L 200 404 404 200 200 200",
        "L 200 404 404 403 200 200",
        kwargs="school_petition",
        writes=("clerk_a", "county", "admin"),
    )
)
# Township A's code as a parameter: another township's clerk gets 404, as for an id in the path.
FOREIGN_REGION = {"region": "990121100000"}
for name in (
    "dashboards:overview",
    "dashboards:ranking",
    "dashboards:failing",
    "dashboards:late_changes",
    "dashboards:targets",
    "dashboards:rules",
    "reports:index",
    "supervision",
    "atlas:map",
    "atlas:map_data",
):
    first = EXPECTED[name][0]
    grid = "403" if name == "reports:index" else "404"  # 网格员 have no report page at all
    EXPECTED[name].append(E(f"L 200 404 {grid} 200 200 200", first.post, query=FOREIGN_REGION))
# 零报告 of 甲镇's code: another township's clerk and 甲一村's grid worker get 404; county staff cannot declare (403)
EXPECTED["declarations:board"].append(E("L 200 404 404 403 200 200", "L 405 405 405 405 405 405", query=FOREIGN_REGION))
EXPECTED["declarations:silent"].append(
    E("L 200 404 404 403 200 200", "L 405 405 405 405 405 405", query=FOREIGN_REGION)
)
EXPECTED["declarations:declare"].append(
    E("L 200 404 404 403 403 200", "L 400 400 400 403 403 404", query=FOREIGN_REGION)
)
EXPECTED["reports:paicha"].append(E("L 200 404 403 403 200 200", "L 405 405 405 405 405 405", query=FOREIGN_REGION))
# A ledger list's region filter offers the user's own regions only: a foreign code is an invalid choice
# of the filter form (its message on the page, no rows), 200 as for any invalid filter.
for name in (
    "units:subject_list",
    "disputes:dispute_list",
    "hazards:hazard_list",
    "hazards:accident_list",
    "petitions:petition_list",
    "cases:case_list",
    "places:place_list",
    "hazards:listing_list",
    "publicorder:problem_list",
):
    EXPECTED[name].append(E("L 200 200 200 200 200 200", EXPECTED[name][0].post, query=FOREIGN_REGION))
EXPECTED["persons:person_list"].append(
    E("L 200 200 200 403 200 200", EXPECTED["persons:person_list"][0].post, query=FOREIGN_REGION)
)

# The printable pages and the attachments of every ledger, under the entry's scope (out of it: 404).
# 登记表 (print) and 督办通知书 (notice) are the detail view's own pages: the same roles, the same masking
# and the same reveal POST (which logs the access) as the entry's page; the notice of an entry that is
# not overdue is the page saying so (200), not an error. An upload and a delete need the entry's change
# permission (county staff, read-only on entries: 403), a download and a thumbnail its view permission.
# An empty upload goes back to the entry with its message (302, nothing stored); an empty delete POST
# deletes (the reason is optional), rolled back like every probe.
REVEALS = {"dispute", "petition", "place"}  # the ledgers with personal data to reveal (a POST to the page)
for prefix, entry in (
    ("disputes:dispute", "dispute"),
    ("hazards:hazard", "hazard"),
    ("hazards:accident", "accident"),
    ("petitions:petition", "petition"),
    ("cases:case", "case"),
    ("places:place", "place"),
    ("hazards:listing", "listing"),
    ("publicorder:problem", "problem"),
):
    page = (
        {"post": "L 200 404 403 404 200 200", "writes": ("clerk_a", "county", "admin")}
        if entry in REVEALS
        else {"post": "L 403 404 403 404 403 403"}
    )
    assert page["post"] == EXPECTED[f"{prefix}_detail"][0].post, prefix  # as the entry's own page
    for suffix in ("print", "notice"):
        EXPECTED[f"{prefix}_{suffix}"] = [E("L 200 404 200 404 200 200", kwargs=f"{entry}_entry", **page)]
    EXPECTED[f"{prefix}_attachment_add"] = [
        E("L 405 405 405 405 405 405", "L 302 404 302 404 403 302", kwargs=f"{entry}_entry", why="POST only")
    ]
    for suffix in ("attachment", "attachment_thumb"):
        EXPECTED[f"{prefix}_{suffix}"] = [
            E("L 200 404 200 404 200 200", "L 405 405 405 405 405 405", kwargs=f"{entry}_attachment")
        ]
    EXPECTED[f"{prefix}_attachment_delete"] = [
        E(
            "L 200 404 200 404 403 200",
            "L 302 404 302 404 403 302",
            kwargs=f"{entry}_attachment",
            writes=("clerk_a", "grid_a", "admin"),
        )
    ]
# A listing is county staff's to change too (its 通知书 scan, the 验收 report): they upload and delete.
EXPECTED["hazards:listing_attachment_add"] = [
    E("L 405 405 405 405 405 405", "L 302 404 302 404 302 302", kwargs="listing_entry", why="POST only")
]
EXPECTED["hazards:listing_attachment_delete"] = [
    E(
        "L 200 404 200 404 200 200",
        "L 302 404 302 404 302 302",
        kwargs="listing_attachment",
        writes=("clerk_a", "grid_a", "county", "admin"),
    )
]
# Issue 14. 书记代办 (agency): every role reads the records its scope and subjects allow; clerks, grid
# workers and the administrator write them (county staff and departments: 403). A record is registered
# from its petition's or dispute's page (?petition= / ?dispute=); without one the form sends the user to
# the list (302). 重复访 suggestion: a POST (the ID number stays out of URLs) for the roles that register.
EXPECTED["agency:agency_list"] = [E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405")]
EXPECTED["agency:agency_create"] = [
    E("L 302 302 302 403 403 302", "L 302 302 302 403 403 302", why="no matter named: to the list"),
    E("L 200 404 200 403 403 200", "L 302 302 302 403 403 302", query="agency_matter", why="a probe POSTs no query"),
]
EXPECTED["agency:agency_detail"] = [
    E("L 200 404 200 404 200 200", "L 405 405 405 405 405 405", kwargs="agency_entry"),
    E("L 200 404 404 200 200 200", "L 405 405 405 405 405 405", kwargs="school_agency"),
]
EXPECTED["agency:agency_edit"] = [
    E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="agency_entry"),
    E("L 200 404 404 403 403 200", "L 400 404 404 403 403 400", kwargs="school_agency"),
]
for step in ("agency:agency_escalate", "agency:agency_finish"):
    EXPECTED[step] = [E("L 200 404 200 404 403 200", "L 400 404 400 404 403 400", kwargs="agency_entry")]
EXPECTED["petitions:repeat_check"] = [E("L 405 405 405 405 405 405", "L 200 200 200 403 403 200")]
# The same for 重点人员, with its own roles: the 教育局 user reaches none (404), grid_a its 包户 (and reveals).
person_page = {"post": EXPECTED["persons:person_detail"][0].post, "writes": ("clerk_a", "grid_a", "county", "admin")}
for suffix in ("print", "notice"):
    EXPECTED[f"persons:person_{suffix}"] = [E("L 200 404 200 404 200 200", kwargs="person_entry", **person_page)]
EXPECTED["persons:person_attachment_add"] = [
    E("L 405 405 405 405 405 405", "L 302 404 302 404 403 302", kwargs="person_entry", why="POST only")
]
for suffix in ("attachment", "attachment_thumb"):
    EXPECTED[f"persons:person_{suffix}"] = [
        E("L 200 404 200 404 200 200", "L 405 405 405 405 405 405", kwargs="person_attachment")
    ]
EXPECTED["persons:person_attachment_delete"] = [
    E(
        "L 200 404 200 404 403 200",
        "L 302 404 302 404 403 302",
        kwargs="person_attachment",
        writes=("clerk_a", "grid_a", "admin"),
    )
]
# 个人信息访问记录: county staff and the administrator only.
EXPECTED["access_log"] = [E("L 403 403 403 403 200 200", "L 403 403 403 403 405 405")]
# 批量验收: the roles that may accept (EDIT_ROLES and departments; county staff: 403). Without ?id= the
# list with a message (302); 甲镇's shop hazard: its department is not 教育局 (404); the school's hazard:
# 教育局's, outside 甲一村 (grid_a: 404). An empty POST is the form's errors (400).
EXPECTED["hazards:bulk_accept"] = [
    E("L 302 302 302 302 403 302", "L 400 400 400 400 403 400", why="no ?id=: back to the list"),
    E("L 200 404 200 404 403 200", "L 400 400 400 400 403 400", query="hazard_selection"),
    E("L 200 404 404 200 403 200", "L 400 400 400 400 403 400", query="school_hazard_selection"),
]
# The pickers' search (JSON): every role its own scope (乙镇's clerk finds nothing of 甲镇: the leak
# check reads the JSON too); GET only.
EXPECTED["units:subject_search"] = [
    E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405"),
    E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", query={"q": "甲一村"}),
]
EXPECTED["units:region_search"] = [
    E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405"),
    E("L 200 200 200 200 200 200", "L 405 405 405 405 405 405", query={"q": "甲镇"}),
]


def _clients(world) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if world.users.get(role) is not None:
            clients[role].force_login(world.users[role])
    return clients


def _not_reachable_by_name():
    # /admin/ is checked below; the token-authenticated API (/api/) by its own role matrix
    # (api/tests/test_role_matrix.py), which also lists every one of its URLs
    names = {p.name for p in walk_urls() if not p.name.startswith(("admin:", "api:", "api_not_found"))}
    return names - set(EXPECTED), set(EXPECTED) - names


def test_every_url_pattern_has_a_declared_expectation():
    missing, stale = _not_reachable_by_name()
    assert not missing, (
        "URL patterns without a row in EXPECTED (decide what each role gets, then add it): "
        + ", ".join(sorted(missing))
    )
    assert not stale, "rows of EXPECTED for URL names the resolver no longer has: " + ", ".join(sorted(stale))


def test_every_step_of_every_workflow_is_probed():
    from cases.workflow import CASE_WORKFLOW
    from disputes.workflow import DISPUTE_WORKFLOW
    from hazards.workflow import ACCIDENT_WORKFLOW, HAZARD_WORKFLOW, LISTING_WORKFLOW
    from persons.workflow import PERSON_WORKFLOW
    from petitions.workflow import PETITION_WORKFLOW
    from places.workflow import PLACE_WORKFLOW
    from publicorder.workflow import PROBLEM_WORKFLOW

    flows = {
        "disputes:dispute_transition": DISPUTE_WORKFLOW,
        "hazards:hazard_transition": HAZARD_WORKFLOW,
        "hazards:accident_transition": ACCIDENT_WORKFLOW,
        "petitions:petition_transition": PETITION_WORKFLOW,
        "cases:case_transition": CASE_WORKFLOW,
        "places:place_transition": PLACE_WORKFLOW,
        "hazards:listing_transition": LISTING_WORKFLOW,
        "publicorder:problem_transition": PROBLEM_WORKFLOW,
        "persons:person_transition": PERSON_WORKFLOW,
    }
    assert {n for n in EXPECTED if n.endswith("_transition")} == set(flows)
    for name, flow in flows.items():
        probed = [step for e in EXPECTED[name] for step in e.kwargs.partition(":")[2].split(",")]
        assert sorted(probed) == sorted(t.name for t in flow.transitions), name


def test_anonymous_visitors_reach_only_the_public_views():
    reachable = {name for name, expects in EXPECTED.items() for e in expects if e.by_role["anonymous"] != "L"}
    assert reachable == PUBLIC
    for name, expects in EXPECTED.items():
        for e in expects:
            if name not in PUBLIC:
                assert e.post_by_role["anonymous"] == "L", name


def _leaks(html: str, objects) -> list[str]:
    """What of township A a page for 乙镇's clerk must not contain: links to A's entries, A's subject."""
    urls = [
        f'href="/{prefix}/{getattr(objects, attr)["pk"]}/"'
        for prefix, attr in (
            ("subjects", "subject"),
            ("disputes", "dispute_entry"),
            ("hazards", "hazard_entry"),
            ("accidents", "accident_entry"),
            ("petitions", "petition_entry"),
            ("cases", "case_entry"),
            ("places", "place_entry"),
            ("listings", "listing_entry"),
            ("public-order", "problem_entry"),
            ("persons", "person_entry"),
        )
    ]
    found = [u for u in urls if u in html]
    found += [name for name in ("甲一村超市", "甲镇中心学校", objects.notification_url) if name in html]
    if f'"code": "{objects.region["code"]}"' in html:  # a picker's JSON naming 甲镇
        found.append(f"甲镇's code {objects.region['code']}")
    return found


def _text_of(response) -> str:
    """What a page or a picker's JSON shows (the JSON's \\u escapes undone); "" for a file download."""
    kind = response.get("Content-Type", "")
    if "html" in kind:
        return response.content.decode()
    if "json" in kind:
        return json.dumps(response.json(), ensure_ascii=False)
    return ""


def test_every_url_answers_every_role_as_declared(world, capsys):
    objects = probe_objects(world)
    clients = _clients(world)
    mismatches, leaks, probes = [], [], 0
    for name, expects in EXPECTED.items():
        for expect in expects:
            for kwargs in kwargs_list(objects, expect):
                url = url_for(name, kwargs)
                seen_get, seen_post, seen_htmx = [], [], []
                for role in ROLES:
                    client = _clients(world)[role] if name == "logout" else clients[role]
                    response = client.get(url, query_of(objects, expect))
                    probes += 1
                    seen_get.append(status_of(response))
                    if role == "clerk_b" and response.status_code == 200:
                        leaks += [f"{url}: {leak}" for leak in _leaks(_text_of(response), objects)]
                    if expect.htmx_by_role:
                        seen_htmx.append(
                            status_of(client.get(url, query_of(objects, expect), headers={"HX-Request": "true"}))
                        )
                        probes += 1
                    before = row_counts()
                    with transaction.atomic():
                        seen_post.append(status_of(client.post(url, {})))
                        probes += 1
                        changed = row_counts() != before
                        transaction.set_rollback(True)
                    if changed and role not in expect.writes:
                        mismatches.append(f"POST {url} as {role} wrote rows with an empty form")
                for method, seen, declared in (
                    ("GET", seen_get, expect.statuses),
                    ("POST", seen_post, expect.post),
                    ("htmx GET", seen_htmx, expect.htmx),
                ):
                    if declared is not None and " ".join(seen) != " ".join(declared.split()):
                        mismatches.append(
                            f'{name} {method} {url}{"?" if expect.query else ""}: got "{" ".join(seen)}", declared "{declared}"'
                        )
    # the leak check can see a leak: the same page of 甲镇's own clerk names the entry
    # (reset first: the region row above left 甲镇's code as clerk_a's remembered filter, a redirect)
    reset = clients["clerk_a"].get(reverse("disputes:dispute_list"), {"reset_filters": "1"}, follow=True)
    assert _leaks(reset.content.decode(), objects)
    assert _leaks(_text_of(clients["clerk_a"].get(reverse("units:subject_search"), {"q": "甲一村"})), objects)
    assert _leaks(_text_of(clients["clerk_a"].get(reverse("units:region_search"), {"q": "甲镇"})), objects)
    with capsys.disabled():
        print(f"\nURL matrix: {probes} probes over {len(EXPECTED)} URL names × {len(ROLES)} roles")
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "乙镇's clerk saw township A's data:\n" + "\n".join(leaks)


def _admin_kwargs(pattern, objects_by_model) -> dict | None:
    """Fill an admin URL: its model's first object (the probe objects are there), its app label."""
    name = pattern.name.removeprefix("admin:")
    kwargs = {}
    model = next(
        (m for m in admin.site._registry if name.startswith(f"{m._meta.app_label}_{m._meta.model_name}_")), None
    )
    if name == "auth_user_password_change":  # UserAdmin names it so whatever the user model is
        from django.contrib.auth import get_user_model

        model = get_user_model()
    for key in pattern.kwargs:
        if key == "app_label":
            kwargs[key] = model._meta.app_label if model else "units"
        elif key in ("object_id", "id"):
            if model is None or objects_by_model.get(model) is None:
                return None if pattern.name == "admin:view_on_site" or model is None else {}  # {}: no row to open
            kwargs[key] = str(objects_by_model[model])
        elif key == "content_type_id":
            continue  # view_on_site: filled by the test
        else:
            return None
    return kwargs


def test_the_admin_site_is_the_administrators_alone(world, capsys):
    """Every named /admin/ page: anonymous and every non-staff role go to the admin login; the
    administrator gets the page (or its redirect), never an error."""
    objects = probe_objects(world)
    objects_by_model = {
        m: m._default_manager.order_by("pk").values_list("pk", flat=True).first() for m in admin.site._registry
    }
    clients = _clients(world)
    failures, probes = [], 0
    patterns = [p for p in walk_urls() if p.name.startswith("admin:") and "<unnamed" not in p.name]
    for pattern in patterns:
        if pattern.name in ("admin:login", "admin:logout"):
            continue
        kwargs = _admin_kwargs(pattern, objects_by_model)
        if pattern.name == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            from units.models import Subject

            kwargs = {
                "content_type_id": ContentType.objects.get_for_model(Subject).pk,
                "object_id": objects.subject["pk"],
            }
        if kwargs is None:
            failures.append(f"{pattern.name}: the walker cannot fill {pattern.kwargs}")
            continue
        if kwargs == {} and pattern.kwargs:  # a table the fixture leaves empty (axes' logs, groups)
            continue
        if pattern.positional:  # simple_history's "history/<object>/<history_id>/": the object's first version
            model = next(
                m
                for m in admin.site._registry
                if pattern.name == f"admin:{m._meta.app_label}_{m._meta.model_name}_simple_history"
            )
            version = model.history.order_by("history_id").values_list("id", "history_id").first()
            if version is None:  # nothing of this kind was written through the services in the fixture
                continue
            url = reverse(pattern.name, args=list(version))
        else:
            url = reverse(pattern.name, kwargs=kwargs)
        for role in ROLES:
            response = clients[role].get(url)
            probes += 1
            location = response.headers.get("Location", "")
            if role == "admin":  # 403: a read-only admin (jobs, holidays: no add/delete there)
                if response.status_code not in (200, 302, 403):
                    failures.append(f"{url} as admin: {response.status_code}")
            elif role == "anonymous":
                if response.status_code != 302 or not re.match(r"/(admin|accounts)/login/", location):
                    failures.append(f"{url} as anonymous: {response.status_code} {location}")
            elif response.status_code != 302 or not location.startswith("/admin/login/"):
                failures.append(f"{url} as {role}: {response.status_code} {location}")
    with capsys.disabled():
        print(f"\nadmin: {probes} probes over {len(patterns)} named admin URLs")
    assert len(patterns) > 50  # the walk found the admin's pages
    assert not failures, "\n".join(failures)
