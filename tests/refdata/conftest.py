"""The API tests' `token` fixture, shared."""
from tests.api.conftest import token  # noqa: F401
