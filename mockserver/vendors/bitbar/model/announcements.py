"""What a finished run sends outward: notification e-mails (ALWAYS / ON_FAILURE) and the hookURL call.

Runs finish by the mock clock, not by an event, so every request first announces the runs that
have finished since the last one (recorded in the core outbox, never sent)."""

from __future__ import annotations

from . import timeline


def finished(state, at: int) -> list[tuple[str, dict]]:
    """(kind, payload) of everything the runs finished by `at` and not yet announced send; marks them announced."""
    outbound = []
    waiting = timeline.unannounced(state)
    for run_id in sorted(waiting):  # by id: the order of the runs table
        run = state.get("runs", run_id)
        if run is None or run.get("announced"):  # deleted meanwhile
            del waiting[run_id]
            continue
        view = timeline.run_view(state, run, at)
        if view["state"] != "FINISHED":
            continue
        run["announced"] = True
        del waiting[run_id]
        failed = view["failedDeviceCount"] > 0
        summary = {"testRunId": run["id"], "projectId": run["projectId"], "displayName": run["displayName"],
                   "successRatio": view["successRatio"], "failedDeviceCount": view["failedDeviceCount"]}
        for note in state.where("notifications", "userId", run["userId"]):
            if note["project"] not in (None, run["projectId"]):
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
