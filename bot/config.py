"""Settings read once in main() from the environment and `.env`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/qamqor.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # Where this process notes the updates it starts and ends; empty: beside an SQLite
    # database, else under var/. One file per process (see bot/state/journal.py).
    update_journal: str = ""
    # A conversation step that changes nothing else reaches the database within this time,
    # many chats per transaction (bot/state/database_states.py); a crash loses at most this.
    state_write_behind_ms: int = Field(50, ge=0, le=10_000)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 8080

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_url: str | None = None
    public_base_url: str | None = None
    # {"kind": {"kk": "HX...", "ru": "HX...", "en": "HX..."}}: approved Content SIDs for
    # messages that may have to go outside WhatsApp's 24-hour window.
    whatsapp_templates: dict[str, dict[str, str]] = Field(default_factory=dict)
    # {"1": "HX...", "2": "HX...", "3": "HX..."}: quick-reply templates by number of buttons.
    whatsapp_quick_replies: dict[str, str] = Field(default_factory=dict)
    media_url_ttl_minutes: int = Field(15, ge=1)

    outbox_telegram_rate: float = Field(30.0, gt=0)
    outbox_telegram_per_chat_rate: float = Field(1.0, gt=0)
    outbox_whatsapp_rate: float = Field(80.0, gt=0)
    outbox_whatsapp_per_chat_rate: float = Field(1.0, gt=0)
    outbox_max_attempts: int = Field(5, ge=1)
    outbox_poll_seconds: float = Field(1.0, gt=0)
    outbox_claim_lease_seconds: int = Field(120, ge=1)
    scheduler_tick_seconds: int = Field(60, ge=1)
    scheduler_grace_minutes: int = Field(180, ge=0)

    # The youngest a volunteer may register (full years); under 18 a parent consents too.
    volunteer_min_age: int = Field(16, ge=10, le=30)

    console_database_url: str = "sqlite+aiosqlite:///var/demo.sqlite3"
    invite_ttl_days: int = Field(14, ge=1)
    processed_update_retention_days: int = Field(2, ge=1)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not (
            self.webhook_secret and self.webhook_secret.get_secret_value()
        ):
            raise ValueError("WEBHOOK_URL is set: WEBHOOK_SECRET is required too")
        return self

    @model_validator(mode="after")
    def _whatsapp_needs_sender_and_url(self) -> Settings:
        if self.whatsapp_enabled:
            if not (self.twilio_whatsapp_from or "").startswith("whatsapp:+"):
                raise ValueError("TWILIO_WHATSAPP_FROM must be set, as whatsapp:+<number>")
            if not self.public_base_url:
                raise ValueError("WhatsApp is on: PUBLIC_BASE_URL is required for signatures")
        return self

    @property
    def update_journal_path(self) -> Path:
        if self.update_journal:
            return Path(self.update_journal)
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database + ".updates")
        digest = hashlib.sha256(self.database_url.encode()).hexdigest()[:12]
        return Path("var") / f"updates-{digest}.journal"

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None and bool(
            self.telegram_bot_token.get_secret_value()
        )

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(
            self.twilio_account_sid
            and self.twilio_auth_token
            and self.twilio_auth_token.get_secret_value()
        )

    @property
    def webhook_enabled(self) -> bool:
        return self.telegram_enabled and bool(self.webhook_url)
