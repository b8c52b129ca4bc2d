"""Settings from the environment, read in one place so every entry point agrees."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
SEED_FILE = DATA_DIR / "seed-opportunities.jsonl"
OUTCODES_FILE = DATA_DIR / "uk-outcodes.csv"
TAXONOMY_FILE = DATA_DIR / "odi-cause-taxonomy.json"
SOURCES_FILE = DATA_DIR / "sources.toml"
DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_BROADCAST_RATE = 30.0


class ConfigError(ValueError):
    """Raised when an environment variable holds a value we cannot use."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    token: str | None
    api_url: str
    workers: frozenset[int]
    broadcast_rate: float


def default_db_path() -> Path:
    return Path(os.environ.get("GETINVOLVED_DB") or "data/getinvolved.db")


def load_settings(db_path: str | Path | None = None) -> Settings:
    """Read the contract's environment variables, failing with a plain sentence on bad values."""
    return Settings(
        db_path=Path(db_path) if db_path else default_db_path(),
        token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
        api_url=os.environ.get("TELEGRAM_API_URL") or DEFAULT_API_URL,
        workers=_parse_workers(os.environ.get("GETINVOLVED_WORKERS", "")),
        broadcast_rate=_parse_rate(os.environ.get("GETINVOLVED_BROADCAST_RATE")),
    )


def _parse_workers(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(f"GETINVOLVED_WORKERS must be comma-separated Telegram user ids, not {part!r}.") from None
    return frozenset(ids)


def _parse_rate(raw: str | None) -> float:
    if not raw:
        return DEFAULT_BROADCAST_RATE
    try:
        rate = float(raw)
    except ValueError:
        raise ConfigError(f"GETINVOLVED_BROADCAST_RATE must be a number of messages a second, not {raw!r}.") from None
    if not 0 < rate <= 1000:
        raise ConfigError("GETINVOLVED_BROADCAST_RATE must be above 0 and at most 1000.")
    return rate
