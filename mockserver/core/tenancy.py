"""Which tenant a request is for: the X-Mock-Tenant header, or the tenant written into the path.

The path form is `<vendor root>/_tenant/<name>/<vendor path>`:
`http://host:8080/happo/_tenant/ci-42/a/1/p/2/report/abc`, or `http://host:8083/_tenant/ci-42/...`
on a vendor port. On the way in the segment is taken out of the path and becomes the tenant, so a
vendor sees its own paths. A `/` in a tenant name is written `~` there (`~` is not allowed in names).

Pages a browser opens (report and comparison pages, result pages) carry the segment for every tenant
but `default`, since a browser sends no header. Every other link (status URLs, paging, images) has
the segment when the request came with it: a client whose base URL holds the tenant (one that cannot
send headers) keeps it on every link it follows, a client sending the header gets plain links.
"""

from __future__ import annotations

from .store import DEFAULT_TENANT, TENANT_RE

HEADER = "X-Mock-Tenant"
ENVIRON_KEY = "HTTP_X_MOCK_TENANT"
PATH_PREFIX = "/_tenant/"
IN_PATH = "mockserver.tenant_in_path"  # environ key: this request named its tenant in the path


def link_segment(tenant: str) -> str:
    """What a link to `tenant`'s world carries after the vendor root ('' for the default tenant)."""
    return "" if tenant == DEFAULT_TENANT else PATH_PREFIX + tenant.replace("/", "~")


def take_from_path(environ) -> str | None:
    """Move a `/_tenant/<name>` prefix of PATH_INFO into the tenant header; None when all is well, else
    what is wrong (a bad name, or a header naming another tenant)."""
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PATH_PREFIX):
        return None
    name, slash, rest = path[len(PATH_PREFIX):].partition("/")
    tenant = name.replace("~", "/")
    if not TENANT_RE.match(tenant):
        return f"Invalid tenant in the path: use 1-128 letters, digits or ._:@/+- ({HEADER} header)"
    given = environ.get(ENVIRON_KEY)
    if given and given != tenant:
        return f"The {HEADER} header ({given!r}) and the path ({tenant!r}) name different tenants"
    environ[ENVIRON_KEY] = tenant
    environ[IN_PATH] = True
    environ["PATH_INFO"] = slash + rest
    return None
