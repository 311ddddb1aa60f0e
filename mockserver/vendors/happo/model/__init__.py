"""Happo's domain as plain functions of (world, records): no Flask, no request.

world          one request's view of a tenant (state, mock time, URL root, outbox)
reports        projects, reports and snapshots; flakes
rendering      emulated snap-request renders and async reports
comparisons    comparing reports, review, ignored diffs, what is sent out about it
jobs           plain and orchestrated jobs, finished by their comparisons
assets         static packages and e2e image uploads, signed URLs
subscriptions  email subscriptions to a component's diffs
"""
