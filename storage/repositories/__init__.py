"""Repositories take an ``AsyncSession`` and never commit: the caller owns the unit of work."""
