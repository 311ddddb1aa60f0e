"""Hiptest (CucumberStudio) public API: json:api over devise_token_auth header credentials."""

from __future__ import annotations

from flask import request

from ...core.errors import flatten_messages
from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from . import (
    actionwords,
    attachments,
    auth,
    backup_files,
    builds,
    errors,
    execution_environments,
    folders,
    projects,
    publication,
    scenarios,
    sessions,
    tags,
    test_results,
    test_runs,
)
from .blueprint import blueprint
from .control import control_blueprint
from .model import runs
from .model.jsonapi import MEDIA_TYPE
from .schemas import FixtureSchema, OptionsSchema

# each registers its routes on the blueprint when imported
RESOURCE_MODULES = (actionwords, attachments, backup_files, builds, execution_environments, folders, projects,
                    publication, scenarios, sessions, tags, test_results, test_runs)
PLAIN_TABLES = ("users", "projects", "folders", "scenarios", "actionwords", "tags", "datasets", "parameters")


class HiptestVendor(Vendor):
    name = "hiptest"
    # where its state keeps credentials ("***" in /_mock/state): users' passwords, sign-in tokens
    secret_keys = frozenset(("password", "access_token", "secret_token"))
    title = "Hiptest"
    port_offset = 1
    blueprint = blueprint
    fixture_schema = FixtureSchema
    options_schema = OptionsSchema
    control_blueprint = control_blueprint
    demo_headers = {"Accept": "application/vnd.api+json; version=1", "access-token": "hiptest-demo-token",
                    "client": "hiptest-demo-client", "uid": "demo@example.com"}
    probe = "/api/projects"
    credential_field = ("tokens", "access_token")  # a token's tenant: the first (pinned demo) token is it
    tenant_credential = staticmethod(auth.tenant_credential)
    user_field = ("users", "email")  # a sign-in's tenant: the first user signs in with its e-mail
    sign_in_paths = frozenset(("/api/auth/sign_in",))
    sign_in_credential = staticmethod(auth.sign_in_credential)

    def issued(self, state: State, credential: str) -> bool:
        return any(t["access_token"] == credential for t in state.extra.get("tokens", ()))  # a sign-in's token

    def authenticate(self):
        # the four devise_token_auth headers (and the json:api Accept); sets g.hiptest_token for the
        # `expiry` header and the author of what the request writes
        auth.authenticate()

    def build_state(self, fixtures: dict) -> State:
        state = State(self.name)
        for kind in PLAIN_TABLES:
            for row in fixtures.get(kind, []):
                state.insert(kind, row)
        state.extra["tokens"] = list(fixtures.get("tokens", []))
        state.extra["backups"] = {}
        for row in fixtures.get("test_runs", []):
            run = runs.create_run(state, row["project_id"], row, row["created_at"], row["last_author"])
            ids = row["scenario_ids"]
            if ids is None:
                ids = [] if row["external"] else runs.project_scenario_ids(state, row["project_id"])
            runs.generate(state, run, ids, row["created_at"], row["last_author"])
        for row in fixtures.get("execution_environments", []):
            state.insert("execution_environments", {**row})
        for row in fixtures.get("builds", []):
            run = state.get("test_runs", row["test_run_id"])
            env_id = row["execution_environment_id"] or runs.envs_of(state, run["id"])[0]["id"]
            state.insert("builds", {**row, "execution_environment_id": env_id, "result_ids": []})
        tests_of: dict[tuple[int, int], list[dict]] = {}  # (run, scenario) -> its tests, in the run's order
        for run in state.table("test_runs").values():
            for test in runs.run_snapshots(state, run["id"]):
                tests_of.setdefault((run["id"], test["scenario_id"]), []).append(test)
        for row in sorted(fixtures.get("test_results", []), key=lambda r: (r["created_at"], r["id"])):
            run = state.get("test_runs", row["test_run_id"])
            snap = next((t for t in tests_of.get((run["id"], row["scenario_id"]), ())
                         if row["dataset_id"] in (None, t["dataset_id"])), None)
            if snap is None:
                continue  # the fixture schema checked ids; a scenario left out of the run has no test
            build = state.get("builds", row["build_id"]) if row["build_id"] else None
            runs.add_result(state, run, snap, row, build, row["created_at"], row["last_author"], result_id=row["id"])
        return state

    def contract_error(self, problem):
        # what the spec forbids is refused in the handlers' own words: 422 naming an invalid attribute,
        # 400 for a document that is not a resource, 401 for a sign-in without usable credentials
        return errors.refusal(problem)

    def error_response(self, status, message, extra):
        if "s3_code" in extra:
            return backup_files.s3_error(status, extra["s3_code"], message)
        fields = extra.get("fields")
        messages = [f"{path}: {msg}" for path, msg in flatten_messages(fields)] if fields else [message]
        # devise_token_auth renders its sign-in answers as plain JSON, as does hiptest-publisher's interface;
        # the API proper as json:api
        plain = request.path.endswith("/api/auth/sign_in") or "/api/" not in request.path
        ctype = "application/json; charset=utf-8" if plain else MEDIA_TYPE
        return json_response({"errors": messages}, status, content_type=ctype)



VENDOR = HiptestVendor()
