"""`mockserver fleet reset|tenants --urls A,B,C`: a call with no tenant, to every replica behind a balancer.

Each replica holds only the tenants the balancer hashes to it, so "reset everything" or "list the tenants"
means asking each one. The answers are merged into one JSON document, each part named by its replica; a
replica that does not answer is listed under `failed` and the command exits 1.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from .client import MockControl, MockControlError


def _ask(control: MockControl, operation: str, query: dict) -> dict:
    if operation == "reset":
        return control._call("POST", "/reset", query=query)
    return control._call("GET", "/tenants", scoped=False)


def fan_out(urls: list[str], operation: str, token: str | None = None, tenant: str | None = None,
            vendor: str | None = None, keep: str | None = None, timeout: float = 10.0) -> tuple[dict, bool]:
    """The merged answer and whether every replica answered."""
    controls = [MockControl(url, tenant=tenant, token=token, timeout=timeout) for url in urls]
    query = {"vendor": vendor, "keep": keep}

    def one(control: MockControl) -> dict:
        try:
            return {"url": control.url, "answer": _ask(control, operation, query)}
        except MockControlError as err:
            return {"url": control.url, "error": f"{err.status} {err.message}"}
        except (OSError, ValueError) as err:  # refused, timed out, not JSON: not a replica that answers
            return {"url": control.url, "error": str(getattr(err, "reason", None) or err)}

    with ThreadPoolExecutor(max_workers=min(16, len(controls))) as pool:
        results = list(pool.map(one, controls))
    answered = [r for r in results if "answer" in r]
    merged: dict = {"operation": operation, "replicas": [], "failed": [
        {"url": r["url"], "error": r["error"]} for r in results if "error" in r]}
    for result in answered:
        answer = result["answer"]
        replica = answer.get("replica")
        if operation == "reset":
            merged["replicas"].append({"url": result["url"], "replica": replica, **{
                k: v for k, v in answer.items() if k != "replica"}})
        else:
            merged["replicas"].append({"url": result["url"], "replica": replica, "count": answer["count"],
                                       "max_tenants": answer["max_tenants"], "evicted": answer["evicted"]})
    if operation == "tenants":
        rows = [{**row, "replica": r["answer"].get("replica"), "url": r["url"]}
                for r in answered for row in r["answer"]["tenants"]]
        merged["tenants"] = sorted(rows, key=lambda row: (row["tenant"], row["url"]))
        merged["count"] = len(rows)
        seen: dict[str, set] = {}
        for row in rows:
            seen.setdefault(row["tenant"], set()).add(row["url"])
        # `default` is every replica's (requests naming no tenant); any other name on two replicas means the
        # balancer moved it (a replica was down) or does not hash on the tenant
        merged["on_several_replicas"] = sorted(t for t, where in seen.items() if len(where) > 1 and t != "default")
    return merged, not merged["failed"]


def run(args) -> int:
    import sys

    urls = [u.strip() for u in args.urls.split(",") if u.strip()]
    if not urls:
        print("mockserver: --urls names no replica", file=sys.stderr)
        return 2
    merged, complete = fan_out(urls, args.operation, token=args.control_token, tenant=getattr(args, "tenant", None),
                               vendor=getattr(args, "vendor", None), keep=getattr(args, "keep", None),
                               timeout=args.timeout)
    print(json.dumps(merged, indent=2))
    for failed in merged["failed"]:
        print(f"mockserver: replica {failed['url']} did not answer: {failed['error']}", file=sys.stderr)
    return 0 if complete else 1
