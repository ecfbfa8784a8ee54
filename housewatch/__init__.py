"""HouseWatch: Nantong real-estate market monitoring warehouse."""

__version__ = "0.1.0"
