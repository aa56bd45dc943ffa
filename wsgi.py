"""The WSGI entry point for gunicorn (``gunicorn -c gunicorn.conf.py wsgi:app``).

``app.py`` only defines the factory, so importing it (tests, ``flask --app app``,
benchmarks) never builds an app by accident."""
from app import create_app

app = create_app()
