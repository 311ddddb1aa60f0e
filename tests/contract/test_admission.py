"""Every vendor lets its demo user in and keeps strangers out the same way on every method of a route,
OPTIONS included (Flask answers that one without the view, where the core admits)."""

from __future__ import annotations

import pytest
import requests

from mockserver.settings import vendor_names
from mockserver.vendors import registry


@pytest.mark.parametrize("name", vendor_names())
def test_the_demo_user_reaches_the_probe(server, name):
    vendor = registry()[name]
    answer = requests.get(server.vendor_url(name) + vendor.probe, headers=vendor.demo_headers, timeout=10)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("name", vendor_names())
def test_a_stranger_gets_the_same_refusal_on_get_and_options(server, name):
    vendor = registry()[name]
    url = server.vendor_url(name) + vendor.probe
    stranger = {k: v for k, v in vendor.demo_headers.items() if k.lower() == "accept"}  # no credentials
    refused = requests.get(url, headers=stranger, timeout=10)
    assert refused.status_code in (401, 403), refused.text
    options = requests.options(url, headers=stranger, timeout=10)
    assert (options.status_code, options.content) == (refused.status_code, refused.content)
    assert "Allow" not in options.headers
