"""ra2docs: cloud-infrastructure reference specifications as data."""

__version__ = "0.1.0"
