"""What a finished run sends outward: notification e-mails (ALWAYS / ON_FAILURE) and the hookURL call.

Runs finish by the mock clock, not by an event, so every request first announces the runs that
have finished since the last one (recorded in the core outbox, never sent)."""

from __future__ import annotations

from ....core import context
from . import timeline as runs


def announce_finished(state) -> None:
    for run in state.table("runs").values():
        if run.get("announced"):
            continue
        view = runs.run_view(state, run)
        if view["state"] != "FINISHED":
            continue
        run["announced"] = True
        failed = view["failedDeviceCount"] > 0
        summary = {"testRunId": run["id"], "projectId": run["projectId"], "displayName": run["displayName"],
                   "successRatio": view["successRatio"], "failedDeviceCount": view["failedDeviceCount"]}
        for note in state.table("notifications").values():
            if note["userId"] != run["userId"] or note["project"] not in (None, run["projectId"]):
                continue
            if note["type"] == "ALWAYS" or failed:
                context.record_outbound("email", {"to": note["email"], "notificationId": note["id"],
                                                  "subject": f"Test run {run['displayName']} finished"
                                                             + (" with failures" if failed else ""),
                                                  **summary})
        hook = (run.get("config") or {}).get("hookURL")
        if hook:
            context.record_outbound("webhook", {"url": hook, "method": "POST", "body": summary})
