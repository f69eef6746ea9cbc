"""Domain codes shared by several features: audience categories and the
functional areas (职业功能) of 养老护理员国家职业技能标准（2019年版）.
Content files use the codes; pages show the translated labels."""

from flask_babel import lazy_gettext as _l

AUDIENCES = {
    "caregiver": _l("Elderly caregiver"),
    "institution_head": _l("Care institution head"),
    "family_caregiver": _l("Family caregiver"),
    "social_worker": _l("Social worker for older people"),
}

FUNCTIONAL_AREAS = {
    "ethics_basics": _l("Professional ethics and basics"),
    "daily_care": _l("Daily living care"),
    "basic_care": _l("Basic care"),
    "rehabilitation": _l("Rehabilitation"),
    "psychological_support": _l("Psychological support"),
    "hospice": _l("Hospice care"),
    "care_assessment": _l("Care assessment"),
    "quality_management": _l("Quality management"),
    "training_guidance": _l("Training and guidance"),
    "management": _l("Institution management"),
}
