"""User accounts: personal data encrypted at rest, listing and filtering."""

from __future__ import annotations

import uuid

import pytest
from cryptography.exceptions import InvalidTag

from anguan.identity.security import FieldCipher
from tests.identity.conftest import Plant, audit_rows, last_seq, new_user_body, scalar

pytestmark = pytest.mark.asyncio(loop_scope="package")

PHONE = "+86 138-0013-8000"


async def test_phone_is_stored_encrypted_and_returned_decrypted(plant: Plant):
    admin = plant.clients["admin"]
    seq = await last_seq(plant.app)
    r = await admin.post(
        "/api/v1/users", json=new_user_body("phone_owner", phone=PHONE, email="a@example.cn")
    )
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    assert r.json()["phone"] == PHONE
    raw = await scalar(plant.app, "SELECT phone_enc FROM identity_user WHERE id = :i", i=uid)
    assert raw and raw.startswith("v1.")
    assert PHONE not in raw and "13800138000" not in raw.replace("-", "")
    # It is the deployment key that decrypts it (AES-GCM: a different key fails, the right one round-trips).
    assert plant.app.state.identity.cipher.decrypt(raw) == PHONE
    with pytest.raises(InvalidTag):
        FieldCipher("another-deployment-secret").decrypt(raw)
    got = await plant.clients["safety"].get(f"/api/v1/users/{uid}")
    assert got.json()["phone"] == PHONE
    listed = await admin.get("/api/v1/users", params={"q": "phone_owner"})
    assert [u["phone"] for u in listed.json()["items"]] == [PHONE]
    # Every write uses a fresh nonce: the same number never gives the same ciphertext.
    r = await admin.patch(f"/api/v1/users/{uid}", json={"phone": PHONE})
    assert r.status_code == 200 and r.json()["phone"] == PHONE
    raw2 = await scalar(plant.app, "SELECT phone_enc FROM identity_user WHERE id = :i", i=uid)
    assert raw2 != raw and raw2.startswith("v1.")
    # The audit trail does not leak the number either.
    rows = await audit_rows(plant.app, seq)
    assert [a["action"] for a in rows] == ["identity.user_created", "identity.user_updated"]
    assert rows[1]["detail"] == {"phone": "***"}
    assert PHONE not in repr(rows)
    # Clearing it stores nothing.
    r = await admin.patch(f"/api/v1/users/{uid}", json={"phone": None})
    assert r.json()["phone"] is None
    assert await scalar(plant.app, "SELECT phone_enc FROM identity_user WHERE id = :i", i=uid) is None


async def test_list_filters_by_text_and_counts(plant: Plant):
    admin = plant.clients["admin"]
    r = await admin.get("/api/v1/users", params={"q": "oper"})
    assert [u["username"] for u in r.json()["items"]] == ["operator"]
    assert r.json()["total"] == 1
    r = await admin.get("/api/v1/users", params={"q": "周师傅"})
    assert [u["username"] for u in r.json()["items"]] == ["contractor"]
    r = await admin.get("/api/v1/users", params={"q": "no-such-person"})
    assert r.json() == {"items": [], "total": 0, "page": 1, "page_size": 20}


async def test_user_body_shows_roles_scopes_and_no_secrets(plant: Plant):
    r = await plant.clients["secadmin"].get(f"/api/v1/users/{plant.ids['contractor']}")
    body = r.json()
    assert body["roles"] == ["contractor"]
    assert body["scopes"][0]["kind"] == "area" and body["scopes"][0]["ref_id"]
    assert body["totp_enabled"] is False
    assert not {"password_hash", "password_history", "phone_enc", "totp_secret_enc"} & set(body)


async def test_user_body_shows_the_locale_and_patch_changes_it(plant: Plant):
    admin = plant.clients["admin"]
    r = await admin.post("/api/v1/users", json=new_user_body(locale="en-US"))
    assert r.status_code == 201 and r.json()["locale"] == "en-US"
    uid = r.json()["id"]
    r = await admin.patch(f"/api/v1/users/{uid}", json={"locale": "zh-CN"})
    assert r.status_code == 200 and r.json()["locale"] == "zh-CN"
    assert (await admin.get(f"/api/v1/users/{uid}")).json()["locale"] == "zh-CN"
    listed = (await admin.get("/api/v1/users", params={"q": r.json()["username"]})).json()["items"]
    assert [u["locale"] for u in listed] == ["zh-CN"]


@pytest.mark.parametrize(
    ("literal", "lookalike"),
    [
        pytest.param("_1", "x1", id="underscore"),
        pytest.param("%2", "yy2", id="percent"),
        pytest.param("/3", "/3x", id="escape-character"),
    ],
)
async def test_search_matches_wildcards_literally(plant: Plant, literal: str, lookalike: str):
    """`_` and `%` in the filter are characters to find, not LIKE wildcards."""
    admin = plant.clients["admin"]
    tag = uuid.uuid4().hex[:8]
    for suffix in (literal, lookalike):
        body = new_user_body(display_name=f"查询{tag}{suffix}")
        assert (await admin.post("/api/v1/users", json=body)).status_code == 201
    r = await admin.get("/api/v1/users", params={"q": f"{tag}{literal}"})
    found = [u["display_name"] for u in r.json()["items"]]
    if literal == "/3":
        assert sorted(found) == sorted([f"查询{tag}/3", f"查询{tag}/3x"])  # both contain "/3"
    else:
        assert found == [f"查询{tag}{literal}"]
