"""Schemathesis against the generated OpenAPI document: every operation, with a valid token;
no server error and no response that breaks the schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select

from emulation.api.services import create_token
from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from tests.factories import gen_world


@pytest.fixture(scope="module")
def api_app(app):
    with app.app_context():
        if db.session.scalar(select(User).where(User.username == "tochuc")) is None:
            gen_world()
        seed(db.session)
        db.session.commit()
        user = db.session.scalar(select(User).where(User.username == "tochuc"))
        _record, secret = create_token(SYSTEM, user, "schemathesis")
        db.session.remove()
    app.config["API_TEST_TOKEN"] = secret
    yield app


@pytest.fixture(scope="module")
def api_schema(api_app):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    # valid requests only: refusals of bad input have their own tests in test_api.py, and the
    # token is always sent, so "missing Authorization" cases would be false alarms
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE])
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, api_app):
    # The API refuses text no column, Word or Excel file can hold (NUL, control characters,
    # lone surrogates, U+FFFF) with a 422 naming the field; JSON Schema's "string" cannot say
    # so, so Schemathesis generates such strings as "valid". Those refusals are tested in
    # tests/security/test_hostile_input.py; every other check stands.
    case.call_and_validate(headers={
        "Authorization": f"Bearer {api_app.config['API_TEST_TOKEN']}"},
        excluded_checks=[positive_data_acceptance])
