"""Subscriptions: email addresses told about diffs in a component."""

from __future__ import annotations

from ...core.negotiation import json_response
from .blueprint import account, blueprint, checked_body, current_world
from .model import subscriptions


@blueprint.post("/api/subscriptions/<path:component>")
def add_subscriptions(component):
    data = checked_body()
    sub = subscriptions.subscription(current_world(), account()["id"], component)
    subscriptions.subscribe(sub, data["emailAddresses"])
    return json_response(subscriptions.view(sub))


@blueprint.delete("/api/subscriptions/<path:component>")
def remove_subscriptions(component):
    data = checked_body()
    sub = subscriptions.subscription(current_world(), account()["id"], component)
    subscriptions.unsubscribe(sub, data["emailAddresses"])
    return json_response(subscriptions.view(sub))
