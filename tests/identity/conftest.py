"""Fixtures: the identity personas served by the fakes."""

from tests.identity.personas import personas  # noqa: F401 - a fixture
