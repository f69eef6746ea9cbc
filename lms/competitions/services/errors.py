"""The one error competitions' services raise: a refusal a person can act on."""


class CompetitionError(ValueError):
    """A refused change; ``str(error)`` is the message to show (translated),
    naming what is wrong: the field, the state, the mark."""
