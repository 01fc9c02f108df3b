"""What the API's tests share: a token per role of the fixture county, and a client that sends it."""

from __future__ import annotations

from django.test import Client

from api.services import api_token_create

ROLES = ("anonymous", "clerk_a", "clerk_b", "grid_a", "dept_edu", "county", "admin")


def token_for(world, role: str, name: str = "测试平台", **kwargs) -> str:
    _, key = api_token_create(actor=None, user=world.users[role], name=name, **kwargs)
    return key


class ApiClient:
    """GET/POST with ``Authorization: Bearer <key>`` (no header for None), JSON back."""

    def __init__(self, key: str | None):
        self.key = key
        self.client = Client()

    def _headers(self):
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def get(self, url, data=None, **extra):
        return self.client.get(url, data or {}, headers={**self._headers(), **extra.pop("headers", {})}, **extra)

    def post(self, url, data=None):
        return self.client.post(url, data or {}, content_type="application/json", headers=self._headers())


def clients(world) -> dict[str, ApiClient]:
    return {role: ApiClient(None if role == "anonymous" else token_for(world, role)) for role in ROLES}


def collect(client: ApiClient, url: str, **query) -> list[dict]:
    """Every row of a cursor-paginated list, following ``next``."""
    rows, response = [], client.get(url, query)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        if not body["next"]:
            return rows
        response = client.get(body["next"].replace("http://testserver", ""))
