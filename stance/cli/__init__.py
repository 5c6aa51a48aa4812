"""The ``stance`` command: one entry point, one module per subcommand (``add_arguments`` + ``run``)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from typing import Sequence

from stance._version import __version__
from stance.errors import StanceInputError

COMMANDS = ("predict", "analyze", "train", "evaluate")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="stance",
        description="Tell the stance of quotes on the 2025 US-Russia peace talks on Ukraine "
        "(skeptical, supportive, critical_of_concessions), or train and evaluate your own model.",
        epilog="Run 'stance COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"stance.cli.{name}")
        summary = (module.__doc__ or "").strip().splitlines()[0]
        sub = commands.add_parser(name, help=summary, description=module.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(sub)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback on errors")
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; bad input ends with one line on stderr and exit status 2 (``--debug``: a traceback)."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *_, **__: say(args, "warning", message)
        try:
            return args.run(args)
        except StanceInputError as error:
            if args.debug:
                raise
            say(args, "error", error)
            return 2
        except KeyboardInterrupt:
            say(args, "interrupted")
            return 130
        except BrokenPipeError:
            return _reader_went_away()


def _reader_went_away() -> int:
    """The reader of our output closed it (``stance predict ... | head``): stop quietly, as Unix tools do."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
    return 141


def say(args: argparse.Namespace, kind: str, message: object = "") -> None:
    """One line on stderr, ``stance COMMAND: KIND: MESSAGE``, with any line breaks in the message folded."""
    text = " ".join(str(message).split("\n"))
    print(f"stance {args.command}: {kind}" + (f": {text}" if text else ""), file=sys.stderr)


def report_warnings(args: argparse.Namespace, messages: Sequence[str]) -> None:
    """Print what the CSV reader noticed but did not refuse (skipped or duplicate rows), one line each."""
    for message in messages:
        say(args, "warning", message)
