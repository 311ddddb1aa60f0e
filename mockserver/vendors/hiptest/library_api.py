"""Folders, scenarios (datasets, parameters), action words, find_by_tags and feature import/export."""
