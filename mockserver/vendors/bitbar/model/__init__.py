"""Bitbar's domain as plain functions of (state/record, time): no Flask, no request.

timeline       test runs and device runs in mock time (the state transitions)
artifacts      the bytes a run produces: screenshots, junit.xml, logs, reports, zips
reports        run reports from the completed device runs
announcements  what a finished run sends outward (e-mails, hookURL)
files          uploads' facts, produced files' bytes and readiness
projects       a new project's defaults and its config
lookups        the caller's records by id (Caller), or the vendor's 404
listing        list queries: paging, search, sort and filter
"""
