"""Map who says what in a news article: each quotation with its speaker, stance and confidence.

Reads an article (plain text or Markdown), finds its quotations and their speakers, classifies each quotation,
and prints one row per quotation and a summary per speaker.

examples:
  stance analyze article.txt
  stance analyze article.txt --format json
  curl -s https://example.org/article.md | stance analyze - --format csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stance.errors import StanceInputError

FORMATS = ("table", "csv", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance analyze``."""
    parser.add_argument("article", metavar="ARTICLE", help="the article's text file (UTF-8), or - to read standard input")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--model", help="a model file from 'stance train' (default: the shipped model)")
    parser.add_argument("--trusted", action="store_true", help="allow --model to be a pickle/joblib file (it can run code: only your own)")


def run(args: argparse.Namespace) -> int:
    """Analyse the article and print the stance map."""
    from stance.analysis import analyze
    from stance.persistence import load

    text = sys.stdin.read() if args.article == "-" else _read_article(Path(args.article))
    model = load(args.model, trusted=args.trusted) if args.model else None
    stance_map = analyze(text, model=model)
    rendered = {"table": stance_map.to_table, "csv": stance_map.to_csv, "json": stance_map.to_json}[args.format]()
    sys.stdout.write(rendered)
    return 0


def _read_article(path: Path) -> str:
    """The article's text, or a StanceInputError naming the file if it cannot be read as UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise StanceInputError(f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start})") from error
    except OSError as error:
        raise StanceInputError(f"{path}: {error.strerror or error}") from error
