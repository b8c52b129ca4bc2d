"""Settings from the environment, read in one place so every entry point agrees.

Besides the contract's variables, these tune the bot's scheduled work (bot.jobs):

| variable | default | meaning |
| --- | --- | --- |
| `GETINVOLVED_SCRAPE_HOURS` | `24` | hours between the bot's own scrapes; `0`: the bot never scrapes (cron or a systemd timer runs `getinvolved scrape`) |
| `GETINVOLVED_SCRAPE_DELAY_MINUTES` | `5` | minutes after start-up before the bot's first scrape, so it starts fast and restarts do not hammer the sources |
| `GETINVOLVED_SOURCES` | the bundled `data/sources.toml` | the sources file the bot's scrapes read |
| `GETINVOLVED_ALERTS_PER_DAY` | `1` | most alert digests (each up to 3 new matches) a resident gets a day; `0`: no alerts |
| `GETINVOLVED_ALERT_CHECK_MINUTES` | `15` | how often the bot looks for opportunities that arrived by any route (its scrape, cron, `getinvolved import`) |
| `GETINVOLVED_QUIET_HOURS` | `21-8` | UK hours (start-end) when no digests are sent; they wait for the morning; `off` sends at any hour |
"""
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
DEFAULT_SCRAPE_HOURS = 24.0
DEFAULT_SCRAPE_DELAY_MINUTES = 5.0
DEFAULT_ALERTS_PER_DAY = 1
DEFAULT_ALERT_CHECK_MINUTES = 15.0
DEFAULT_QUIET_HOURS = (21, 8)


class ConfigError(ValueError):
    """Raised when an environment variable holds a value we cannot use."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    token: str | None
    api_url: str
    workers: frozenset[int]
    broadcast_rate: float
    scrape_hours: float = DEFAULT_SCRAPE_HOURS  # 0: the bot never scrapes
    scrape_delay_minutes: float = DEFAULT_SCRAPE_DELAY_MINUTES
    sources_file: Path | None = None  # None: the bundled sources file
    alerts_per_day: int = DEFAULT_ALERTS_PER_DAY
    alert_check_minutes: float = DEFAULT_ALERT_CHECK_MINUTES
    quiet_hours: tuple[int, int] | None = DEFAULT_QUIET_HOURS  # UK hours [start, end); None: never quiet


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
        scrape_hours=_parse_number("GETINVOLVED_SCRAPE_HOURS", DEFAULT_SCRAPE_HOURS, "a number of hours",
                                   low=0, high=24 * 31),
        scrape_delay_minutes=_parse_number("GETINVOLVED_SCRAPE_DELAY_MINUTES", DEFAULT_SCRAPE_DELAY_MINUTES,
                                           "a number of minutes", low=0, high=24 * 60),
        sources_file=Path(os.environ["GETINVOLVED_SOURCES"]) if os.environ.get("GETINVOLVED_SOURCES") else None,
        alerts_per_day=int(_parse_number("GETINVOLVED_ALERTS_PER_DAY", DEFAULT_ALERTS_PER_DAY,
                                         "a whole number of digests", low=0, high=24, whole=True)),
        alert_check_minutes=_parse_number("GETINVOLVED_ALERT_CHECK_MINUTES", DEFAULT_ALERT_CHECK_MINUTES,
                                          "a number of minutes", low=1, high=24 * 60),
        quiet_hours=_parse_quiet_hours(os.environ.get("GETINVOLVED_QUIET_HOURS")),
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


def _parse_number(name: str, default: float, what: str, *, low: float, high: float, whole: bool = False) -> float:
    """A bounded number from the environment, or the default when unset or empty."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {raw!r}.") from None
    if not low <= value <= high:  # NaN fails this too
        raise ConfigError(f"{name} must be from {low:g} to {high:g}, not {raw}.")
    return value


def _parse_quiet_hours(raw: str | None) -> tuple[int, int] | None:
    """'21-8' -> (21, 8): UK hours from 21:00 to 08:00; 'off' (or equal hours) -> never quiet."""
    raw = (raw or "").strip().lower()
    if not raw:
        return DEFAULT_QUIET_HOURS
    if raw in ("off", "none", "no"):
        return None
    start, dash, end = raw.partition("-")
    if not dash or not start.strip().isdigit() or not end.strip().isdigit() \
            or int(start) > 23 or int(end) > 23:
        raise ConfigError(f"GETINVOLVED_QUIET_HOURS must be two hours of the day like 21-8, or off, not {raw!r}.")
    return None if int(start) == int(end) else (int(start), int(end))
