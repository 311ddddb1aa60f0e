"""Bitbar's domain: runs in mock time, artifacts, lookups, list queries."""
