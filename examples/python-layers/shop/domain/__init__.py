"""Entities and business rules."""
