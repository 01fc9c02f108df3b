"""Token authentication: no token 401 (with the Bearer challenge), a wrong, revoked or expired token or an
inactive user's 401, a guesser 429; a token acts as its user exactly (a clerk of 乙镇: 404 for 甲镇's
subject); tokens are created and revoked by the administrator only, the key shown once, only its hash kept."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from api.tests.helpers import ApiClient, token_for

pytestmark = [pytest.mark.django_db]


def test_no_token_is_401_with_the_bearer_challenge(world):
    response = ApiClient(None).get(f"/api/v1/subjects/{world.shop_a.pk}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"detail": "需要接口令牌：请在请求头中提供 Authorization: Bearer <令牌>。"}
    # a signed-in browser session is not a token: the API does not read the session
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["county"])
    assert browser.get("/api/v1/subjects/").status_code == 401


def test_a_clerk_of_township_b_gets_404_for_township_as_subject(world):
    client = ApiClient(token_for(world, "clerk_b"))
    response = client.get(f"/api/v1/subjects/{world.shop_a.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该记录，或不在您的管辖范围内。"}
    own = client.get(f"/api/v1/subjects/{world.shop_b.pk}/")
    assert own.status_code == 200 and own.json()["name"] == "乙一村商店"
    assert ApiClient(token_for(world, "clerk_a")).get(f"/api/v1/subjects/{world.shop_a.pk}/").status_code == 200


def test_wrong_revoked_expired_and_inactive_tokens_are_refused(world):
    url = "/api/v1/regions/"
    assert ApiClient("szk_not-a-real-key").get(url).status_code == 401
    assert ApiClient("szk_x y").get(url).status_code == 401
    token, key = api_token_create(actor=world.users["admin"], user=world.users["county"], name="省级平台")
    assert ApiClient(key).get(url).status_code == 200
    api_token_revoke(actor=world.users["admin"], token=token)
    refused = ApiClient(key).get(url)
    assert refused.status_code == 401 and refused.json() == {"detail": "接口令牌无效、已过期或已被吊销。"}

    soon = timezone.now() + datetime.timedelta(hours=1)
    _, key = api_token_create(actor=None, user=world.users["county"], name="临时", expires_at=soon)
    assert ApiClient(key).get(url).status_code == 200
    ApiToken.objects.filter(name="临时").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert ApiClient(key).get(url).status_code == 401

    key = token_for(world, "clerk_a")
    user = world.users["clerk_a"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ApiClient(key).get(url).status_code == 401


def test_only_the_hash_is_kept_and_the_token_records_its_use(world):
    token, key = api_token_create(actor=world.users["admin"], user=world.users["county"], name="市局BI")
    assert key.startswith("szk_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(stored.__dict__)
    assert stored.prefix == key[:10] and stored.last_used_at is None
    assert stored.history.get().history_user == world.users["admin"]
    ApiClient(key).get("/api/v1/regions/")
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_only_the_administrator_creates_or_revokes_tokens(world):
    for role in ("county", "clerk_a", "dept_edu"):
        with pytest.raises(PermissionDenied):
            api_token_create(actor=world.users[role], user=world.users[role], name="自建")
    token, _ = api_token_create(actor=None, user=world.users["county"], name="省级平台")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=world.users["county"], token=token)


def test_the_administrator_creates_a_token_in_the_admin_and_sees_the_key_once(world, client_as):
    client = client_as("admin")
    response = client.post(
        "/admin/api/apitoken/add/", {"user": world.users["county"].pk, "name": "省级平台"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="省级平台")
    text = response.content.decode()
    assert "只显示这一次" in text and token.prefix in text
    key = text[text.index(token.prefix) :].split("<")[0].split()[0]
    assert ApiClient(key).get("/api/v1/regions/").status_code == 200
    # 吊销所选接口令牌
    client.post("/admin/api/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and ApiClient(key).get("/api/v1/regions/").status_code == 401


def test_the_command_creates_lists_and_revokes(world, capsys):
    call_command("api_token", "create", "county", "--name", "省级平台", "--days", "30")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiClient(key).get("/api/v1/regions/").status_code == 200
    call_command("api_token", "list")
    assert "省级平台" in capsys.readouterr().out
    call_command("api_token", "revoke", key[:10])
    assert ApiClient(key).get("/api/v1/regions/").status_code == 401


def test_repeated_failed_tokens_from_one_address_get_429(world, settings):
    settings.API_AUTH_FAILURE_RATE = "3/min"
    client = ApiClient("szk_guess")
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert client.get("/api/v1/regions/").json()["detail"] == "认证失败次数过多，请在60秒后重试。"
