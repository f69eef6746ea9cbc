"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from lms.core.replica import RoutingSession

# Stable constraint names, so that migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The session class sends a read-only view's plain SELECTs to the read replica, when there is one.
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate(compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
