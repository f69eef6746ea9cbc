"""Every model module, imported once so that the metadata (for migrations and
for the tests' create_all) is complete even for features without views."""

from lms.api import models as api_models  # noqa: F401
from lms.auth import models as auth_models  # noqa: F401
from lms.certs import models as certs_models  # noqa: F401
from lms.competitions import models as competitions_models  # noqa: F401
from lms.core import audit, jobs  # noqa: F401
from lms.courses import models as courses_models  # noqa: F401
from lms.exams import models as exams_models  # noqa: F401
from lms.people import models as people_models  # noqa: F401
from lms.quotas import models as quotas_models  # noqa: F401
from lms.regions import models as regions_models  # noqa: F401
from lms.training import models as training_models  # noqa: F401
