"""Settings: shortcuts, safe embedded defaults, and no default secret in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from anguan.core.config import DEV_SECRET, Settings
from anguan.core.db import normalise_url

GOOD_SECRET = "k" * 32


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ANGUAN_* from the developer's shell or a .env file leaks into these tests."""
    import os

    for name in list(os.environ):
        if name.startswith("ANGUAN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param({}, id="default-dev-secret"),
        pytest.param({"secret_key": DEV_SECRET, "cookie_secure": True}, id="dev-secret-explicit"),
        pytest.param({"secret_key": "short-secret", "cookie_secure": True}, id="secret-under-32-chars"),
        pytest.param({"secret_key": "k" * 31, "cookie_secure": True}, id="secret-31-chars"),
        pytest.param({"secret_key": GOOD_SECRET, "cookie_secure": False}, id="cookie-not-secure"),
    ],
)
def test_production_refuses_unsafe_auth(auth: dict[str, object]):
    with pytest.raises(ValidationError) as info:
        Settings(environment="production", auth=auth)  # type: ignore[arg-type]
    assert "production" in str(info.value)


def test_production_accepts_a_real_secret_and_never_prints_it():
    s = Settings(environment="production", auth={"secret_key": GOOD_SECRET, "cookie_secure": True})  # type: ignore[arg-type]
    assert s.auth.secret_key.get_secret_value() == GOOD_SECRET
    assert GOOD_SECRET not in repr(s) and GOOD_SECRET not in str(s.model_dump())


def test_production_refuses_default_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANGUAN_ENVIRONMENT", "production")
    monkeypatch.setenv("ANGUAN_AUTH__COOKIE_SECURE", "true")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("ANGUAN_AUTH__SECRET_KEY", GOOD_SECRET)
    assert Settings().environment == "production"


@pytest.mark.parametrize("env", ["development", "test"])
def test_default_secret_is_fine_outside_production(env: str):
    assert Settings(environment=env).auth.secret_key.get_secret_value() == DEV_SECRET  # type: ignore[arg-type]


def test_embedded_defaults_need_nothing(tmp_path: Path):
    s = Settings(var_dir=tmp_path)
    assert s.db.url == f"sqlite+aiosqlite:///{tmp_path.as_posix()}/anguan.db"
    assert s.is_sqlite
    assert s.storage.root == str(tmp_path / "files")
    assert s.redis.url == ""
    assert s.environment == "development" and s.default_locale == "zh-CN"


def test_operator_shortcut_env_vars(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANGUAN_DATABASE_URL", "postgresql://db.example/anguan")
    monkeypatch.setenv("ANGUAN_REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("ANGUAN_STORAGE__MAX_UPLOAD_MB", "5")
    s = Settings()
    assert s.db.url == "postgresql://db.example/anguan" and not s.is_sqlite
    assert s.redis.url == "redis://cache:6379/1"
    assert s.storage.max_upload_mb == 5


def test_nested_setting_wins_over_shortcut():
    s = Settings(database_url="sqlite:///a.db", db={"url": "postgresql://x/y"})  # type: ignore[arg-type]
    assert s.db.url == "postgresql://x/y"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("mysql://root@h:3306/db", "mysql+aiomysql://root@h:3306/db"),
        ("mariadb://root@h/db", "mysql+aiomysql://root@h/db"),
        ("sqlite:///var/a.db", "sqlite+aiosqlite:///var/a.db"),
        ("sqlite+aiosqlite:///var/a.db", "sqlite+aiosqlite:///var/a.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_normalise_url(url: str, expected: str):
    assert normalise_url(url) == expected
