"""No test reaches the user's instance folder or the checkout's, whatever its fixtures' scope."""

from __future__ import annotations

import pytest

from quizzer.config import load_settings


@pytest.fixture(scope="module")
def module_settings():
    return load_settings()


def test_a_fixture_shared_by_a_module_gets_a_temporary_instance(module_settings, tmp_path_factory):
    assert module_settings.instance_path.is_relative_to(tmp_path_factory.getbasetemp())


def test_each_test_gets_its_own_instance(module_settings, tmp_path_factory):
    own = load_settings().instance_path
    assert own.is_relative_to(tmp_path_factory.getbasetemp()) and own != module_settings.instance_path
