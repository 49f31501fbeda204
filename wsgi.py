"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from emulation import create_app

app = create_app()
