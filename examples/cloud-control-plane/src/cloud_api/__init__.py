"""The cloud API gateway."""
