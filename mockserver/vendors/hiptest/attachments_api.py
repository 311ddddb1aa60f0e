"""Attachments of folders, scenarios, test runs and test results."""
