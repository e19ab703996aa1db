"""depguard: find dependency cycles and layer violations before they take a system down."""

__version__ = "0.1.0"
