"""Hardening (issue 13, point 2): security headers and the Content-Security-Policy, no inline script in
any template, login throttling, session expiry, no open redirect through `next`, and Chinese error
pages that show no internals, also under DEBUG. The deploy check runs in test_health_settings.py."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from sanzero.testing import PASSWORD

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"


# --- headers ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_sends_the_policy_frame_denial_referrer_and_nosniff(world, client_as):
    for url in ("/accounts/login/", "/dashboard/", "/disputes/", "/disputes/new/"):
        client = client_as("anonymous" if url == LOGIN else "clerk_a")
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", url  # no 'unsafe-inline', no nonce, no CDN
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"javascript:", re.I)


def test_no_template_has_an_inline_script_handler_or_javascript_link():
    templates = [
        p for p in BASE_DIR.glob("**/templates/**/*.html") if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    assert len(templates) > 40
    found = []
    for template in templates:
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(BASE_DIR)}:{line}: {match.group(0)!r}")
    assert not found, "inline JavaScript (blocked by the CSP; use static/js and data-* attributes):\n" + "\n".join(
        found
    )


# --- login throttling ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failed_logins_lock_the_name_for_30_minutes_after_the_last_try_with_a_chinese_message(world, settings):
    settings.AXES_ENABLED = True
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME) == (5, 0.5)  # 5 failures, 30 minutes
    client = Client()
    start = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for attempt in range(1, 5):
            response = client.post(LOGIN, {"username": "clerk_a", "password": f"wrong-{attempt}"})
            assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode(), attempt
        locked = client.post(LOGIN, {"username": "clerk_a", "password": "wrong-5"})
        assert locked.status_code == 429
        assert "登录失败次数过多，账号已暂时锁定" in locked.content.decode()
        assert "30分钟" in locked.content.decode()
        right = client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})  # even the right password
        assert right.status_code == 429 and "_auth_user_id" not in client.session
        other = Client().post(LOGIN, {"username": "clerk_b", "password": PASSWORD})  # another name is not locked
        assert other.status_code == 302
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD}).status_code == 429
    # a try during the lock starts the 30 minutes again (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 29), tick=False):
        assert client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD}).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 29 + 31), tick=False):
        response = client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.users["clerk_a"].pk)


# --- sessions --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_lasts_a_working_day_and_ends_with_the_browser(world):
    client = Client()
    start = datetime.datetime(2026, 3, 16, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD}).status_code == 302
        assert client.session.get_expire_at_browser_close()  # no persistent cookie
        assert client.session.get_expiry_age() == 8 * 60 * 60
        assert client.get("/disputes/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert client.get("/disputes/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=8, minutes=1), tick=False):
        response = client.get("/disputes/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- open redirects --------------------------------------------------------------------------------

EVIL = [
    "//evil.example",
    "https://evil.example",
    "https://evil.example/accounts/login/",
    "/\\evil.example",
    "\\\\evil.example",
]


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_login_and_logout_never_redirect_to_another_site(world, target):
    client = Client()
    response = client.post(f"{LOGIN}?next={target}", {"username": "clerk_a", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response["Location"] == "/", response["Location"]
    # a signed-in user opening the login page with ?next= is sent home too, not away
    again = client.get(LOGIN, {"next": target})
    assert again.status_code == 302 and again["Location"] == "/"
    out = client.post("/accounts/logout/", {"next": target})
    assert out.status_code == 302 and out["Location"] == LOGIN
    assert "evil" not in client.get(LOGIN, {"next": target}).content.decode().split("<form", 1)[0]


@pytest.mark.django_db
def test_a_next_inside_the_site_is_followed(world):
    response = Client().post(LOGIN, {"username": "clerk_a", "password": PASSWORD, "next": "/disputes/?page=2"})
    assert response["Location"] == "/disputes/?page=2"


# --- error pages -----------------------------------------------------------------------------------

TECHNICAL = ("URLconf", "Traceback", "DEBUG = True", "settings", "Using the URLconf", "Page not found")


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_a_404_is_the_chinese_page_with_no_internals_also_under_debug(world, client_as, settings, debug):
    from disputes.services import dispute_create

    settings.DEBUG = debug
    entry = dispute_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "邻里纠纷",
            "summary": "排水沟",
            "source": "自查",
        },
    )
    client = client_as("clerk_b")
    for url in (f"/disputes/{entry.pk}/", "/no/such/page/", f"/dashboard/?region={world.town_a.code}"):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 404, url
        assert "您访问的页面或记录不存在，或不在您的管辖范围内。" in body, url
        assert not [word for word in TECHNICAL if word in body], url


@pytest.mark.django_db
def test_a_developer_may_ask_for_the_technical_404_under_debug(world, client_as, settings):
    settings.DEBUG = True
    settings.SANZERO_TECHNICAL_404 = True
    body = client_as("clerk_b").get("/no/such/page/").content.decode()
    assert "URLconf" in body


@pytest.mark.django_db
def test_a_403_says_why_in_chinese(world, client_as, settings):
    settings.DEBUG = True
    response = client_as("clerk_a").get("/settings/deadlines/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "只有县平安办和系统管理员可以修改期限设置。" in body and not [word for word in TECHNICAL if word in body]


def test_a_500_is_the_chinese_page_and_shows_no_internals():
    from django.test import RequestFactory

    from config import urls
    from sanzero.views import server_error

    assert urls.handler500 == "sanzero.views.server_error"
    response = server_error(RequestFactory().get("/boom/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出现错误" in body and "Traceback" not in body and "settings" not in body
