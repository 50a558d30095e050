"""Typed settings: every knob is an environment variable with the `TRACE_` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from trace_engine.kit.bounds import org_problem

# Documented local default; refused outside development (see _refuse_default_password).
DEFAULT_NEO4J_PASSWORD = "trace-engine-local"
# Documented local default for signing EPCIS query page tokens; refused outside development.
DEFAULT_PAGE_TOKEN_SECRET = "trace-engine-local-page-tokens"


class Settings(BaseSettings):
    """Trace Engine configuration, read once from the environment (and `.env` if present)."""

    model_config = SettingsConfigDict(env_prefix="TRACE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"

    # Neo4j connection
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEFAULT_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"
    # The API's request path fails fast when Neo4j is unreachable (503 within ~2 s): a short
    # connection timeout and a retry budget that allows one retry (the driver waits about 1 s
    # before its first retry, then checks the budget). The CLI, the bulk loader and capture
    # jobs keep the driver's defaults (30 s of retries), which suit a batch job.
    api_neo4j_connection_timeout_s: float = Field(default=1.0, gt=0)
    api_neo4j_retry_s: float = Field(default=0.5, ge=0)

    # The project's own local server (trace-engine neo4j start|stop|status|logs)
    neo4j_home: Path = Path(".neo4j")
    neo4j_version: str = "5.26.30"
    neo4j_browser_version: str = "5.24.0"
    neo4j_bolt_port: int = 7687
    neo4j_http_port: int = 7474
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "2g"
    neo4j_start_timeout_s: float = 180.0
    # off-heap memory `neo4j-admin database import` may use in `load --initial` (its default,
    # 90% of the machine, is too much beside a running server)
    initial_import_memory: str = "2g"

    # HTTP API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # the largest request body outside /epcis (whose capture limits are below)
    api_max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # one log line per request; off by default (it cost ~18% of cached-trace throughput)
    api_access_log: bool = False

    # The org that owns captures until API keys say otherwise (and the demo data's org); an
    # org name within the input bounds (kit/bounds.py)
    default_org: str = "demo"

    # Ingest
    ingest_batch_size: int = Field(default=2000, ge=1, le=100_000)
    capture_max_events: int = Field(default=10_000, ge=1)
    capture_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # a capture job whose process stops renewing this lease is reported failed (interrupted)
    capture_job_lease_s: float = Field(default=30.0, ge=1.0)

    # Trace
    trace_cache_ttl_s: float = 24 * 3600.0
    trace_cache_size: int = 10_000
    # the cache's memory budget: responses plus their index (see trace.cache.entry_bytes)
    trace_cache_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024 * 1024)
    trace_max_events: int = 5_000
    trace_max_depth: int = 64

    # Enterprise listings: the readiness score at which a shipment's decision is `go`
    readiness_go_threshold: int = Field(default=100, ge=1, le=100)

    # EPCIS query interface (GET /epcis/events and the top-level resources)
    epcis_page_token_secret: SecretStr = SecretStr(DEFAULT_PAGE_TOKEN_SECRET)
    epcis_page_token_ttl_s: int = Field(default=3600, ge=1)
    epcis_per_page_default: int = Field(default=30, ge=1)
    epcis_per_page_max: int = Field(default=1000, ge=1)

    # Webhook subscriptions (docs/architecture.md "Subscriptions"): loopback, link-local and
    # private destinations are refused unless allowed (the local demo and the tests)
    subscription_allow_private_dest: bool = False
    subscription_poll_interval_s: float = Field(default=2.0, gt=0)
    subscription_delivery_timeout_s: float = Field(default=10.0, gt=0)
    subscription_retry_base_s: float = Field(default=1.0, gt=0)
    subscription_retry_max_s: float = Field(default=60.0, gt=0)
    # retried this long before the subscription is marked failing (it is still retried)
    subscription_retry_window_s: float = Field(default=600.0, gt=0)
    subscription_lease_s: float = Field(default=30.0, ge=1.0)
    subscription_batch_size: int = Field(default=100, ge=1)
    # events younger than this are left for the next round: a capture transaction that
    # took its recordTime earlier may still be committing
    subscription_settle_ms: int = Field(default=1000, ge=0)

    # Auth and limits
    rate_limit_storage_uri: str = "memory://"
    # Several API processes: Redis shares cache invalidation, revocations and rate limits
    # (unset: one process, nothing shared; docs/architecture.md "Several API processes")
    redis_url: str | None = None
    default_rate_limit_per_hour: int = 1000
    # failed key lookups a client address may cause per minute before it gets 429s
    auth_failures_per_minute: int = Field(default=100, ge=1)

    @field_validator("default_org")
    @classmethod
    def _org_within_bounds(cls, value: str) -> str:
        if (problem := org_problem(value)) is not None:
            raise ValueError(f"TRACE_DEFAULT_ORG {problem}")
        return value

    @model_validator(mode="after")
    def _refuse_default_password(self) -> Settings:
        if (
            self.environment == "production"
            and self.neo4j_password.get_secret_value() == DEFAULT_NEO4J_PASSWORD
        ):
            raise ValueError("TRACE_NEO4J_PASSWORD must be set in production")
        if (
            self.environment == "production"
            and self.epcis_page_token_secret.get_secret_value() == DEFAULT_PAGE_TOKEN_SECRET
        ):
            raise ValueError("TRACE_EPCIS_PAGE_TOKEN_SECRET must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, built once."""
    return Settings()
