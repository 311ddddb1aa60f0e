"""mockserver: one local HTTP server emulating five test-platform vendor APIs."""

__version__ = "0.1.0"
