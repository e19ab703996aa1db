"""The suite's hang guard stops code that swallows every ordinary exception."""

from __future__ import annotations

import contextlib

import pytest
from conftest import Overran, deadline


def test_deadline_stops_a_loop_that_catches_oserror_and_exception() -> None:
    with pytest.raises(Overran), deadline(0.2):
        while True:
            with contextlib.suppress(Exception):  # as code under test may
                open("/nonexistent/depguard").close()
