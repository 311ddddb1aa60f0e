"""Automation agents of a host within a project: create, update, activate, deactivate, delete; and the
swagger's search over every agent."""

from __future__ import annotations

from ...core import context
from ...core.negotiation import empty, json_response
from . import errors
from .blueprint import blueprint, host, ok, project, wire
from .model import agent_query
from .schemas import AgentOut

AGENTS = "/api/v3/projects/<int:projectId>/automation/hosts/<int:host_server_id>/agents"


def render(agent: dict) -> dict:
    return {**agent, "agent_id": int(agent["agent_client_id"])}


def _agent_body() -> dict:
    """AgentRequest of openapi/qtest.yaml; agent_client_id kept as the digits string the doc sends."""
    body = wire()[1]
    client_id = body["agent_client_id"]
    return {
        "name": body["name"],
        "framework": body["framework"],
        "framework_id": body["framework_id"],
        # a number (29 or 29.0), or digits with surrounding blanks (the spec's pattern): its digits
        "agent_client_id": "".join(c for c in client_id if c in "0123456789") if isinstance(client_id, str)
        else str(int(client_id)),
        "active": body["active"],
    }


def _agent(projectId: int, host_server_id: int, agent_server_id: int) -> dict:
    project(projectId)
    host(host_server_id)
    agent = context.state().get("agents", agent_server_id)
    if agent is None or agent["project_id"] != projectId or agent["host_id"] != host_server_id:
        raise errors.agent_not_found(agent_server_id)
    return agent


@blueprint.post(AGENTS)
def create_agent(projectId, host_server_id):
    project(projectId)
    host(host_server_id)
    body = _agent_body()
    record = {**body, "agent_server_id": None, "project_id": projectId, "host_id": host_server_id}
    context.state().insert("agents", record, id_field="agent_server_id")
    return ok(AgentOut, render(record))


@blueprint.put(AGENTS + "/<int:agent_server_id>")
def update_agent(projectId, host_server_id, agent_server_id):
    agent = _agent(projectId, host_server_id, agent_server_id)
    agent.update(_agent_body())
    return ok(AgentOut, render(agent))


def _set_active(projectId, host_server_id, agent_server_id, active: bool):
    agent = _agent(projectId, host_server_id, agent_server_id)
    agent["active"] = active
    # the SDK ignores this body (void unmarshaller); the agent is the most useful thing to return
    return ok(AgentOut, render(agent))


@blueprint.post(AGENTS + "/<int:agent_server_id>/activate")
def activate_agent(projectId, host_server_id, agent_server_id):
    return _set_active(projectId, host_server_id, agent_server_id, True)


@blueprint.post(AGENTS + "/<int:agent_server_id>/deactivate")
def deactivate_agent(projectId, host_server_id, agent_server_id):
    return _set_active(projectId, host_server_id, agent_server_id, False)


@blueprint.delete(AGENTS + "/<int:agent_server_id>")
def delete_agent(projectId, host_server_id, agent_server_id):
    _agent(projectId, host_server_id, agent_server_id)
    context.state().delete("agents", agent_server_id)
    return empty(204)


@blueprint.post("/api/v3/automation/automation-agents")
def search_agents():
    """The swagger's agent search (and, with no query, the list of every agent the user can see)."""
    params, body = wire()
    try:
        matches = agent_query.compile_query(body.get("query"))
    except agent_query.QueryError as problem:
        raise errors.invalid_agent_query(body.get("query"), str(problem)) from None
    state = context.state()
    # every agent and host is read, none copied into the tenant: what is answered is new dicts
    hosts = dict(state.peek("hosts"))
    found = []
    for agent in sorted(state.peek_values("agents"), key=lambda a: a["agent_server_id"]):
        shown = _searched(hosts, agent)
        if matches(shown):
            found.append(shown)
    wanted = [f for f in body.get("fields") or ["*"] if f != "*"]
    if wanted:
        found = [{k: v for k, v in a.items() if k in wanted} for a in found]
    page, size = params.get("page") or 1, params.get("pageSize") or 100
    items = found[(page - 1) * size: page * size]
    return json_response({"links": [], "page": page, "page_size": size, "total": len(found), "items": items})


def _searched(hosts: dict, agent: dict) -> dict:
    host_record = hosts.get(agent["host_id"]) or {}
    shown = {k: agent[k] for k in ("agent_server_id", "name", "project_id", "host_id", "framework", "framework_id",
                                   "active")}
    return {"id": agent["agent_server_id"], **shown, "agent_id": int(agent["agent_client_id"]),
            "host_name": host_record.get("host_name"), "configuration": None}
