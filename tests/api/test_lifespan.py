"""create_app's lifespan: it builds what was not passed and closes only that."""

from __future__ import annotations

import httpx
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.crypto import DataCipher, new_data_key

from .conftest import API_TASK_QUEUE


async def test_lifespan_builds_pool_client_and_cipher_from_settings(api, local_env, pg_url):
    settings = Settings(
        database_url=pg_url,
        temporal_address=local_env.client.service_client.config.target_host,
        temporal_namespace=local_env.client.namespace,
        data_key=new_data_key(),
        task_queue=API_TASK_QUEUE,
    )
    app = create_app(settings)
    agent = await api.person("agent", "lifespan-dept")
    async with app.router.lifespan_context(app):
        pool = app.state.pool
        assert pool is not api.pool and isinstance(app.state.cipher, DataCipher)
        assert app.state.policy == ProjectPolicy()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            assert (await http.get("/v1/tasks", headers=agent.headers)).json() == {"items": []}
        # The client it connected reaches the same Temporal server.
        info = await app.state.client.workflow_service.get_system_info(GetSystemInfoRequest())
        assert info.server_version
    assert pool.is_closing()


async def test_lifespan_leaves_what_was_passed_open(api, local_env, pool, cipher):
    app = create_app(api.app.state.settings, client=local_env.client, pool=pool, cipher=cipher,
                     policy=ProjectPolicy())
    async with app.router.lifespan_context(app):
        assert app.state.pool is pool and app.state.client is local_env.client and app.state.cipher is cipher
    assert not pool.is_closing()
    assert await pool.fetchval("SELECT 1") == 1
