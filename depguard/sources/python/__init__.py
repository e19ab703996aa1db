"""The Python source: module discovery, a static import scanner, resolution and caching."""
