"""Flask extensions, made once here and bound in create_app()."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from emulation.core.models import Base
from emulation.core.queue import JobQueue

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Per client IP (behind a proxy set TRUSTED_PROXIES so the IP is the client's); storage from
# RATELIMIT_STORAGE_URI (memory:// by default, redis://… to share counts between workers).
limiter = Limiter(get_remote_address, default_limits=[])
# The job queue (huey): tasks are declared on it at import; each app's huey is made from its
# config in create_app (see core/queue.py).
queue = JobQueue()
