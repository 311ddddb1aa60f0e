"""Email subscriptions to a component's diffs, per account; addresses that unsubscribed themselves stay out."""

from __future__ import annotations

from .world import World


def subscription(world: World, account_id: int, component: str) -> dict:
    """The account's subscription to the component, created empty on first use."""
    key = (account_id, component)
    sub = world.state.get("subscriptions", key)
    if sub is None:
        sub = world.state.table("subscriptions")[key] = {"accountId": account_id, "component": component,
                                                         "emailAddresses": [], "unsubscribed": []}
    return sub


def subscribe(sub: dict, addresses: list[str]) -> None:
    for address in addresses:
        # addresses the user unsubscribed themselves stay unsubscribed
        if address not in sub["unsubscribed"] and address not in sub["emailAddresses"]:
            sub["emailAddresses"].append(address)


def unsubscribe(sub: dict, addresses: list[str]) -> None:
    sub["emailAddresses"] = [a for a in sub["emailAddresses"] if a not in addresses]


def view(sub: dict) -> dict:
    return {"component": sub["component"], "emailAddresses": list(sub["emailAddresses"])}
