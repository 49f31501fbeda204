"""The API tests' token fixture: `token("donvi1")` → headers with a new token of that user."""
import pytest
from sqlalchemy import select

from emulation.api.services import create_token
from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.core.permissions import SYSTEM
from emulation.extensions import db


@pytest.fixture
def token(app, world):
    def make(username):
        with app.app_context():
            seed(db.session)
            db.session.commit()
            user = db.session.scalar(select(User).where(User.username == username))
            _record, secret = create_token(SYSTEM, user, "test")
            return {"Authorization": f"Bearer {secret}"}
    return make
