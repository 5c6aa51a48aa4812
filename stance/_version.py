"""Version of the stance library."""

__version__ = "1.0.0"
