"""Shared machinery every vendor uses: store, fixtures, clock, journal, faults, outbox, errors."""
