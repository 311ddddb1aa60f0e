"""The report pages the launches link to (report_url): a session's and a project run's, as HTML."""

from __future__ import annotations

from html import escape

from flask import Response, g

from ...core import context
from ...core.media import html_page, html_table
from .blueprint import blueprint, project_run_or_404, session_or_404
from .model import phase, project_row, run_row, sessions_of


def _report_mode() -> str:
    """The ?mode= a launch put in its report_url (the contract refuses a mode the page cannot have)."""
    return g.params.get("mode") or "full"


def _page(title: str, mode: str, rows: list[tuple[str, object]],
          sections: list[tuple[str, list[tuple[str, object]]]]) -> Response:
    """The title, a table of `rows`, then one headed table per section; the body's class names the mode."""
    body = html_table(rows) + "".join(f"<h2>{escape(name)}</h2>{html_table(items)}" for name, items in sections)
    return Response(html_page(title, body, body_class=f"report-{mode}"), content_type="text/html; charset=utf-8")


@blueprint.get("/report/session/<sessionId>")
def session_report(sessionId):
    mode = _report_mode()
    state, now = context.state(), context.now()
    run = session_or_404(state, sessionId, now)
    row = run_row(state, run, now)
    fields = [(key, row[key]) for key in ("test_name", "testcase_name", "session_id", "session_status",
                                           "started_at", "stopped_at", "result_description", "agentpool_name")]
    return _page(f"Test report: {row['test_name']}", mode, fields + [("report_mode", run["report_mode"])],
                 [("Parameters", sorted(run["parameters"].items()))])


@blueprint.get("/report/project/<uuid>")
def project_report(uuid):
    mode = _report_mode()
    state, now = context.state(), context.now()
    prun = project_run_or_404(state, uuid, now)
    row = project_row(state, prun, now)
    # queued tests show as pending, so the page lists the whole plan
    sessions = [(state.get("tests", r["test_id"])["name"], phase(r, now))
                for r in sorted(sessions_of(state, prun), key=lambda r: r["id"])]
    return _page(f"Project report: {row['project_name']}", mode, list(row.items()), [("Tests", sessions)])
