"""Hiptest's domain as plain functions of records and times (no Flask, no request).

dsl        the scenario/action-word language and Gherkin import/export
runs       test runs: snapshots of the scenario tree, results, builds, environments, aggregates
library    folders, scenarios, action words and their tags: deleting subtrees, renaming, tag lookups
records    the API's timestamps, scoped lookups and stamping of records
backups    project backups, finished on the mock clock
ratelimit  the per-IP window of the documented 200 requests a minute
jsonapi    the generic json:api serialiser; resources: Hiptest's resource types on it
"""
