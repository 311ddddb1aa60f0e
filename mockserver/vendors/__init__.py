"""The five vendors; each package exposes `VENDOR`, an instance of core.vendor.Vendor."""
