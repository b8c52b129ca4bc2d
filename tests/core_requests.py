"""Requests the tests send to the core process (bot.core_process), which can import only
module-level functions: this module reaches the child through PYTHONPATH (see `core_env`)."""
from __future__ import annotations

import os
import time

from bot.core_service import Service


def process_id(service: Service) -> int:
    return os.getpid()


def stall(service: Service, seconds: float) -> None:
    time.sleep(seconds)


def fail(service: Service) -> None:
    raise LookupError("no such opportunity")
