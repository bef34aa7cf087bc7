"""Shared fixtures: where the repository and the `gradc` command are."""

import os
import pathlib
import shutil

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def repo():
    return REPO


@pytest.fixture
def cli():
    """The gradc command built beside the module (ctest sets GRADC_CLI)."""
    path = os.environ.get("GRADC_CLI") or shutil.which("gradc")
    if not path:
        pytest.skip("the gradc command is not built: ctest sets GRADC_CLI")
    return path
