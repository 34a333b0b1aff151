"""Candor: an honest, transparent professional-influence score."""
