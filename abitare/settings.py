"""The one settings object. The environment is read once, in :func:`get_settings`.

Tests build :class:`Settings` explicitly instead of touching the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from abitare.paths import DEFAULT_DATA_DIR, PROJECT_ROOT

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Typed configuration, each field read from ``ABITARE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ABITARE_", extra="ignore")

    content_dir: Path = Field(
        default=PROJECT_ROOT / "modules",
        description="Folder of the course content (one sub-folder per module).",
    )
    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        description="Folder for the SQLite database and other run-time files (abitare.paths.DEFAULT_DATA_DIR).",
    )
    db_url: str | None = Field(
        default=None,
        description=(
            "Any SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/abitare. "
            "Empty: a SQLite file abitare.sqlite inside data_dir."
        ),
    )
    facilitator_group: str = Field(
        default="abitare-facilitatori",
        description="Under JupyterHub, the hub group whose members open the facilitators' pages with no secret.",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=10_000,
        ge=0,
        description="How long a SQLite writer waits for a lock before failing.",
    )

    @property
    def database_url(self) -> str:
        """The URL actually used: ``db_url`` or the default SQLite file."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'abitare.sqlite').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
