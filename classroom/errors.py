"""What the class board refuses, in words a page can show as they are (after escaping: they may
quote what a user typed). Every refusal is a ClassError; anything else is a bug."""


class ClassError(Exception):
    """A refusal with a message for the user."""


class Invalid(ClassError):
    """Input the board does not take: an empty or over-long name or title, a malformed code."""


class NotFound(ClassError):
    """No class has this code (never created, or deleted after it expired)."""


class Ended(ClassError):
    """The class has ended, or expired."""


class Forbidden(ClassError):
    """A teacher action without this class's teacher token, or a student key this class never gave."""


class Refused(ClassError):
    """The class does not take this now: paused, submissions closed, a cap reached, too soon after the last."""


class Unavailable(ClassError):
    """The database cannot be reached, or stayed busy past the wait: nothing was written; try again."""
