"""How every process (API, worker, CLI, tests) connects to Temporal: one data converter everywhere."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from config.settings import Settings

DATA_CONVERTER = pydantic_data_converter


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace, data_converter=DATA_CONVERTER
    )
