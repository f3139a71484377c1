"""Login, logout, session cookies and CSRF."""

from __future__ import annotations


async def test_login_sets_cookies_and_me(make_client):
    api = await make_client()
    r = await api.login("admin")
    assert r.status_code == 200
    assert r.json()["roles"] == ["sysadmin"]
    assert api.client.cookies.get("anguan_session")
    me = await api.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "admin"


async def test_wrong_password_is_401_with_stable_code(make_client):
    api = await make_client()
    r = await api.login("admin", "nope")
    assert r.status_code == 401
    assert r.json()["code"] == "identity.invalid_credentials"
