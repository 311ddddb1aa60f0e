"""Which tenant a request is for, and what chose it: the X-Mock-Tenant header, the path, or (opt-in,
core/credentials.py) the credential it signs in with. Precedence: header, then path, then credential;
a header and a path naming different tenants is a 400.

Two path forms, each taken out of the path on the way in (the vendor sees its own paths):
- `/_t/<name>/` before everything: `http://host:8080/_t/ci-42/happo/...`, or `http://host:8083/_t/ci-42/...`
  on a vendor port. The tenant is the first segment, so a load balancer can hash it; `/_t/<name>/_mock/...`
  is the control call `/_mock/...?tenant=<name>`.
- `/_tenant/<name>/` after the vendor root: `http://host:8080/happo/_tenant/ci-42/...`.
A `/` in a tenant name is written `~` there (`~` is not allowed in names).

Pages a browser opens (report and comparison pages, result pages) carry the tenant for every tenant
but `default`, since a browser sends no header. Every other link (status URLs, paging, images) has
it when the request came with it in the path, in the form the client used: a client whose base URL
holds the tenant (one that cannot send headers) keeps it on every link it follows, a client sending
the header gets plain links.
"""

from __future__ import annotations

from urllib.parse import quote

from .store import DEFAULT_TENANT, TENANT_RE

HEADER = "X-Mock-Tenant"
ENVIRON_KEY = "HTTP_X_MOCK_TENANT"
PREFIX = "/_t/"  # the form before the vendor
PATH_PREFIX = "/_tenant/"  # the form after the vendor root
# environ keys: the path form this request named its tenant in (PREFIX or PATH_PREFIX), what chose the
# tenant when it was not the header (the journal's `tenant_from`), and what is wrong with the tenant
IN_PATH = "mockserver.tenant_in_path"
FROM = "mockserver.tenant_from"
ERROR = "mockserver.tenant_error"
SIGN_IN = "mockserver.sign_in"  # a sign-in whose body names its tenant (core/credentials.py): PENDING, then read
PENDING = "pending"
_BAD_NAME = f"Invalid tenant in the path: use 1-128 letters, digits or ._:@/+- ({HEADER} header)"


def link_segment(tenant: str, form: str = PATH_PREFIX) -> str:
    """What a link to `tenant`'s world carries in `form` ('' for the default tenant): after the vendor
    root for PATH_PREFIX, before it (right after the host) for PREFIX."""
    return "" if tenant == DEFAULT_TENANT else form + tenant.replace("/", "~")


def tenant_from(environ) -> str:
    """What chose the tenant of a request: header, path, credential or default."""
    found = environ.get(FROM)
    if found is not None:
        return found
    return "header" if environ.get(ENVIRON_KEY) else "default"


def _named(environ, name: str) -> str | None:
    """Make `name` (as written in a path) the request's tenant; what is wrong with it, if anything."""
    tenant = name.replace("~", "/")
    if not TENANT_RE.match(tenant):
        return _BAD_NAME
    given = environ.get(ENVIRON_KEY)
    if given and given != tenant:
        return f"The {HEADER} header ({given!r}) and the path ({tenant!r}) name different tenants"
    if not given:
        environ[ENVIRON_KEY] = tenant
        environ[FROM] = "path"
    return None


def take_prefix(environ) -> None:
    """Take a leading `/_t/<name>` out of PATH_INFO (the caller saw it there). A wrong name is noted
    under ERROR, still taken out, so the vendor behind answers the 400 in its own shape; for the control
    API, whose calls without a tenant are about every tenant, the path is left as it was (a 404)."""
    name, slash, rest = environ["PATH_INFO"][len(PREFIX):].partition("/")
    control = rest == "_mock" or rest.startswith("_mock/")
    problem = _named(environ, name)
    if problem is None:
        environ[IN_PATH] = PREFIX
        if control:  # the control API reads its tenant from the query (core/control.py)
            query = environ.get("QUERY_STRING", "")
            environ["QUERY_STRING"] = "tenant=" + quote(environ[ENVIRON_KEY], safe="") + ("&" + query if query else "")
    elif control:
        return
    else:
        environ[ERROR] = problem
    environ["PATH_INFO"] = slash + rest


def take_from_path(environ) -> str | None:
    """Move a `/_tenant/<name>` prefix of PATH_INFO into the tenant header; None when all is well, else
    what is wrong (a bad name, or a header naming another tenant)."""
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PATH_PREFIX):
        return None
    name, slash, rest = path[len(PATH_PREFIX):].partition("/")
    problem = _named(environ, name)
    if problem is not None:
        return problem
    environ[IN_PATH] = PATH_PREFIX
    environ["PATH_INFO"] = slash + rest
    return None
