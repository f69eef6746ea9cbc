"""The one error training's services raise: a refusal a person can act on."""


class TrainingError(ValueError):
    """A refused change; ``str(error)`` is the message to show (translated),
    naming what is wrong: the field, the clash, the row or the state."""
