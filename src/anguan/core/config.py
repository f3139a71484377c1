"""Settings: one typed object, env prefix ANGUAN_, safe embedded defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"


class DatabaseSettings(BaseModel):
    """Relational store; SQLite under var/ unless a URL is given."""

    url: str = ""
    echo: bool = False
    pool_size: int = 10


class AuthSettings(BaseModel):
    """Login, session and lockout policy (等保2.0 三级 defaults)."""

    secret_key: SecretStr = SecretStr(DEV_SECRET)
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    idle_timeout_minutes: int = 30
    absolute_session_hours: int = 12
    token_days: int = 90
    cookie_secure: bool = False
    password_min_length: int = 8
    password_history: int = 3


class RedisSettings(BaseModel):
    """Redis for realtime fan-out and singleton job locks; empty means in-process."""

    url: str = ""
    channel: str = "anguan:realtime"


class StorageSettings(BaseModel):
    """Attachment storage (local directory by default)."""

    root: str = ""
    max_upload_mb: int = 20


class MqttSettings(BaseModel):
    """MQTT broker for telemetry (empty host: no broker, the embedded default ingests in-process)."""

    host: str = ""
    port: int = 1883
    username: str = ""
    password: SecretStr = SecretStr("")
    topic_prefix: str = "anguan/v1/telemetry"
    shared_group: str = "anguan"
    client_id: str = ""
    receive_maximum: int = 200
    session_expiry_s: int = 3600
    tls: bool = False
    ca_file: str = ""
    # Scale-out: a replica forwards samples of points it does not own to their owner's topic
    # `{partition_prefix}/{k}/{source}` (see ingest.partitions).
    partition_prefix: str = "anguan/v1/partition"


class IngestSettings(BaseModel):
    """The ingest role: limits of accepted input, batching, retention of the historian tiers."""

    # Run the ingest pipeline inside `anguan serve` (the embedded default); false with `anguan ingest`.
    in_process: bool = True
    # Scale-out over a shared subscription: point p belongs to replica p % partitions. A broker such
    # as Mosquitto spreads messages (not sources) over the group, so each replica forwards samples of
    # points it does not own; alarm and compressor state of a point lives in exactly one replica.
    partitions: int = 1
    partition: int = 0
    # Partitioned only: how long work waits so both arrival paths can be merged in time order.
    reorder_hold_ms: float = 250.0
    # Run the demo plant simulator (implied by --demo).
    simulator: bool = False
    # The simulator starts this far in the past and catches up at simulator_speed (history for trends
    # and KPIs right away), then runs in real time.
    simulator_backfill_s: float = 3600.0
    simulator_speed: float = 30.0
    max_payload_bytes: int = 256 * 1024
    max_samples: int = 5000
    max_future_s: float = 300.0
    max_past_s: float = 7 * 86400.0
    batch_max_samples: int = 20000
    batch_max_wait_ms: float = 50.0
    values_push_interval_s: float = 1.0
    retention_raw_days: int = 400
    retention_1m_days: int = 3 * 366
    retention_1h_days: int = 10 * 366


class Settings(BaseSettings):
    """All Anguan settings; nested groups use ANGUAN_<GROUP>__<FIELD>."""

    model_config = SettingsConfigDict(
        env_prefix="ANGUAN_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    var_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    site_timezone: str = "Asia/Shanghai"
    default_locale: Literal["zh-CN", "en-US"] = "zh-CN"
    # Shortcut envs: ANGUAN_DATABASE_URL and ANGUAN_REDIS_URL are what operators type.
    database_url: str = ""
    redis_url: str = ""
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    mqtt: MqttSettings = Field(default_factory=MqttSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    web_dist: Path | None = None
    demo: bool = False
    scheduler_enabled: bool = True

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        if self.database_url and not self.db.url:
            self.db.url = self.database_url
        if self.redis_url and not self.redis.url:
            self.redis.url = self.redis_url
        if not self.db.url:
            self.db.url = f"sqlite+aiosqlite:///{(self.var_dir / 'anguan.db').as_posix()}"
        if not self.storage.root:
            self.storage.root = str(self.var_dir / "files")
        if self.environment == "production":
            secret = self.auth.secret_key.get_secret_value()
            if secret == DEV_SECRET or len(secret) < 32:
                raise ValueError(
                    "ANGUAN_AUTH__SECRET_KEY must be set to a random value of 32+ characters in production"
                )
            if not self.auth.cookie_secure:
                raise ValueError("ANGUAN_AUTH__COOKIE_SECURE must be true in production (TLS at the edge)")
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the relational store is the embedded SQLite file."""
        return self.db.url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Process-wide settings read from the environment once."""
    return Settings()
