"""The one exception type the library raises for input it cannot use."""


class StanceInputError(ValueError):
    """Bad input from the user: a file, column, row or value the library cannot use.

    The message is one line that names the file and, where it applies, the row and column.
    """
