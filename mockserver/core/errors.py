"""VendorError: raised anywhere in a vendor handler, rendered through that vendor's own error shape."""

from __future__ import annotations

from marshmallow import ValidationError


class VendorError(Exception):
    """An HTTP error answered in the vendor's shape.

    `extra` carries vendor-specific fields (e.g. Happo's `details`, qTest's `code`);
    `headers` are added to the response.
    """

    def __init__(self, status: int, message: str, headers: dict | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def flatten_messages(messages, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested error dict -> [("projects.0.name", "Missing data ..."), ...]."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "(root)"
            out.extend(flatten_messages(value, path))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            out.extend((prefix or "(root)", m) for m in messages)
        else:
            for m in messages:
                out.extend(flatten_messages(m, prefix))
    else:
        out.append((prefix or "(root)", str(messages)))
    return out


def describe_validation(err: ValidationError) -> str:
    return "; ".join(f"{path}: {msg}" for path, msg in flatten_messages(err.messages))
