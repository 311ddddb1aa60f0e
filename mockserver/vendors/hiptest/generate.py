"""A seeded Faker fixture set: projects with folders, scenarios, runs and results."""

from __future__ import annotations


def generate_fixtures(fake, scale, progress):
    return {}
