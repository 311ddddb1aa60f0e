"""Happo's domain as plain functions of (world, records)."""
