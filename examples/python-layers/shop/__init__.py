"""A small layered shop used as depguard's Python example."""
