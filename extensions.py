"""Flask extension singletons, initialised by ``app.create_app``."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from models.base import db

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()

__all__ = ["db", "login_manager", "csrf", "babel", "migrate"]
