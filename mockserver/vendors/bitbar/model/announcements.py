"""What a finished run sends outward: notification e-mails (ALWAYS / ON_FAILURE) and the hookURL call.

Runs finish by the mock clock, not by an event, so every request first announces the runs that
have finished since the last one (recorded in the core outbox, never sent)."""

from __future__ import annotations

from . import timeline


def finished(state, at: int) -> list[tuple[str, dict]]:
    """(kind, payload) of everything the runs finished by `at` and not yet announced send; marks them announced."""
    outbound = []
    for run in state.table("runs").values():
        if run.get("announced"):
            continue
        view = timeline.run_view(state, run, at)
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
                outbound.append(("email", {"to": note["email"], "notificationId": note["id"],
                                           "subject": f"Test run {run['displayName']} finished"
                                                      + (" with failures" if failed else ""),
                                           **summary}))
        hook = (run.get("config") or {}).get("hookURL")
        if hook:
            outbound.append(("webhook", {"url": hook, "method": "POST", "body": summary}))
    return outbound
