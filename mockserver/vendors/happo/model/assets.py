"""Static-package uploads (direct and signed-URL) and e2e image uploads, kept per account."""

from __future__ import annotations

import hashlib
import hmac

from ..errors import nothing_uploaded, signed_url_invalid, upload_url_invalid
from .world import World


def asset_path(hash_: str) -> str:
    return f"static-packages/{hash_}.zip"


def _key(account_id: int, hash_: str) -> tuple:
    return account_id, hash_


def signature(account: dict, what: str) -> str:
    return hmac.new(account["apiSecret"].encode(), what.encode(), hashlib.sha256).hexdigest()[:32]


def asset(world: World, account: dict, hash_: str) -> dict | None:
    found = world.state.get("assets", _key(account["id"], hash_))
    return found if found and found.get("uploadedAt") else None


def store_asset(world: World, account: dict, hash_: str, data: bytes) -> dict:
    record = {"accountId": account["id"], "hash": hash_, "path": asset_path(hash_), "size": len(data),
              "md5": hashlib.md5(data).hexdigest(), "uploadedAt": world.stamp}
    world.state.table("assets")[_key(account["id"], hash_)] = record
    return record


def signed_url(world: World, account: dict, hash_: str) -> dict:
    existing = asset(world, account, hash_)
    if existing is not None:
        return {"path": existing["path"]}
    world.state.table("pendingAssets")[_key(account["id"], hash_)] = {"accountId": account["id"], "hash": hash_,
                                                                      "md5": None}
    sig = signature(account, "asset:" + hash_)
    return {"signedUrl": f"{world.base}/uploads/assets/{account['id']}/{hash_}?signature={sig}"}


def check_signed(world: World, account_id: int, hash_: str, sig: str) -> dict:
    """The pending upload a signed URL points at; like S3, a bad signature is a 403 before the body counts."""
    pending = world.state.get("pendingAssets", _key(account_id, hash_))
    account = world.state.get("accounts", account_id)
    if (pending is None or account is None
            or not hmac.compare_digest(sig.encode(), signature(account, "asset:" + hash_).encode())):
        raise signed_url_invalid()
    return pending


def put_signed(world: World, account_id: int, hash_: str, sig: str, data: bytes) -> str:
    pending = check_signed(world, account_id, hash_, sig)
    pending.update({"md5": hashlib.md5(data).hexdigest(), "size": len(data)})
    return pending["md5"]


def finalize_signed(world: World, account: dict, hash_: str) -> dict:
    existing = asset(world, account, hash_)
    if existing is not None:
        return existing
    pending = world.state.get("pendingAssets", _key(account["id"], hash_))
    if pending is None or pending["md5"] is None:
        raise nothing_uploaded(hash_)
    world.state.delete("pendingAssets", _key(account["id"], hash_))
    record = {"accountId": account["id"], "hash": hash_, "path": asset_path(hash_), "size": pending["size"],
              "md5": pending["md5"], "uploadedAt": world.stamp}
    world.state.table("assets")[_key(account["id"], hash_)] = record
    return record


# -- images ---------------------------------------------------------------------------------------


def image_url(world: World, account_id: int, hash_: str) -> str:
    return f"{world.base}/images/{account_id}/{hash_}"


def upload_url(world: World, account: dict, hash_: str) -> dict:
    if world.state.get("images", _key(account["id"], hash_)) is not None:
        return {"url": image_url(world, account["id"], hash_)}
    sig = signature(account, "image:" + hash_)
    return {"uploadUrl": f"{world.base}/uploads/images/{account['id']}/{hash_}?signature={sig}"}


def check_image_upload(world: World, account_id: int, hash_: str, sig: str) -> None:
    account = world.state.get("accounts", account_id)
    if account is None or not hmac.compare_digest(sig.encode(), signature(account, "image:" + hash_).encode()):
        raise upload_url_invalid()


def stored_image_bytes(world: World, replacing: tuple) -> int:
    """Bytes of the tenant's uploaded images, but those of the one at key `replacing` (about to be replaced)."""
    return sum(len(image["data"]) for key, image in world.state.table("images").items() if key != replacing)


def store_image(world: World, account_id: int, hash_: str, sig: str, data: bytes, content_type: str) -> dict:
    check_image_upload(world, account_id, hash_, sig)
    world.state.table("images")[_key(account_id, hash_)] = {
        "accountId": account_id, "hash": hash_, "contentType": content_type, "data": data, "uploadedAt": world.stamp}
    return {"url": image_url(world, account_id, hash_)}
