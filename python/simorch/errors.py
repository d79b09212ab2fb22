"""Exceptions of the simorch package; the compiled core raises these same classes."""

from __future__ import annotations


class Error(RuntimeError):
    """Base of every error simorch raises (C++ ``simorch::Error``)."""


class ConfigError(Error, ValueError):
    """A bad value in a study or argument: names the key path, the value and what is allowed.

    Also a ``ValueError``, which is what the seed raised for bad simulation inputs.
    """

    def __init__(self, message: str, key_path: str = "", value: str = "", allowed: str = ""):
        super().__init__(message)
        self.key_path = key_path
        self.value = value
        self.allowed = allowed

    def __reduce__(self):
        return (type(self), (str(self), self.key_path, self.value, self.allowed))


class IoError(Error, OSError):
    """A file that cannot be read or written (C++ ``simorch::IoError``).

    ``is_bad_input`` is true for a file the user gave that is not what simorch expects
    (not a batch file, a newer format, an existing output without ``force``).
    """

    def __init__(self, message: str, file: str = "", operation: str = "", is_bad_input: bool = False):
        # OSError's own constructor treats 2-5 arguments as (errno, strerror, ...).
        super().__init__(message)
        self.file = file
        self.operation = operation
        self.is_bad_input = is_bad_input

    def __str__(self) -> str:
        return self.args[0] if self.args else ""

    def __reduce__(self):
        return (type(self), (str(self), self.file, self.operation, self.is_bad_input))

