"""Fixtures of the activity tests."""

import pytest

from activities.project import ProjectActivities
from domain.policy import ProjectPolicy


@pytest.fixture
def acts(pool):
    return ProjectActivities(pool, ProjectPolicy())
