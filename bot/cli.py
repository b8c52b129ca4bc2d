"""`getinvolved`: a thin command line over the library.

Each command opens the store, calls one library function and turns the library's own
exceptions into one plain sentence on stderr (exit 1; argparse's usage errors exit 2).
With no command it runs the main job: the Telegram bot when TELEGRAM_BOT_TOKEN is set,
otherwise the terminal chat.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from bot.config import ConfigError, Settings, load_settings
from bot.places import InvalidPostcode, UnknownPostcode
from bot.store import Store
from bot.transfer import UnreadableFile


class CommandError(Exception):
    """Raised by a command for a problem the user can fix; printed as one sentence."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.db)
        return args.handler(args, settings)
    except (CommandError, ConfigError, UnreadableFile, InvalidPostcode, UnknownPostcode) as e:
        print(f"getinvolved: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="database file (default: $GETINVOLVED_DB or data/getinvolved.db)")
    parser = argparse.ArgumentParser(prog="getinvolved", parents=[common],
                                     description="Connect residents to local ways to get involved.")
    parser.set_defaults(handler=cmd_main)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace, Settings], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    command("chat", cmd_chat, "the resident conversation in the terminal")
    p = command("run", cmd_run, "the Telegram bot (token from TELEGRAM_BOT_TOKEN)")
    p.add_argument("--webhook", metavar="URL", help="receive updates by webhook at this public URL instead of long polling")
    p.add_argument("--listen", default="127.0.0.1", help="address the webhook server listens on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="port the webhook server listens on (default 8443)")
    p = command("import", cmd_import, "add or update opportunities from .jsonl or .csv files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p = command("export", cmd_export, "print every current opportunity")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p = command("search", cmd_search, "ranked matches for a query, or for a file of queries")
    p.add_argument("text", nargs="*", metavar="TEXT")
    p.add_argument("--queries", metavar="FILE", help="JSON Lines of {qid, text, postcode}")
    p.add_argument("--postcode", metavar="PC")
    p.add_argument("--radius-km", type=_positive_float, metavar="KM")
    p.add_argument("--limit", type=_limit, default=5, metavar="N")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="judge closing dates as of this day (default today)")
    p.add_argument("--json", action="store_true")
    p = command("scrape", cmd_scrape, "fetch the configured sources and store what they offer")
    p.add_argument("--sources", metavar="FILE", help="sources file (default: the bundled data/sources.toml)")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--json", action="store_true")
    p = command("sources", cmd_sources, "each configured source and its health")
    p.add_argument("--sources", metavar="FILE", help="sources file (default: the bundled data/sources.toml)")
    p.add_argument("--json", action="store_true")
    p = command("broadcast", cmd_broadcast, "send an opportunity to every subscriber it matches")
    p.add_argument("id", metavar="ID")
    p.add_argument("--dry-run", action="store_true", help="list who would receive it; send nothing")
    return parser


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 50000:
        raise argparse.ArgumentTypeError("must be a distance above 0")
    return value


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be from 1 to 1000")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def open_store(settings: Settings) -> Store:
    try:
        return Store(settings.db_path)
    except Exception as e:  # sqlite3 errors: not a database, unwritable folder...
        raise CommandError(f"Cannot open the database {settings.db_path}: {e}.") from None


# -- commands ---------------------------------------------------------------------------------

def cmd_main(args: argparse.Namespace, settings: Settings) -> int:
    return cmd_run(args, settings) if settings.token else cmd_chat(args, settings)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import chat

    return chat(settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram_app import run_bot

    if not settings.token:
        raise CommandError("Set TELEGRAM_BOT_TOKEN to the bot's token from @BotFather to run the Telegram bot.")
    return run_bot(settings, webhook_url=getattr(args, "webhook", None),
                   listen=getattr(args, "listen", "127.0.0.1"), port=getattr(args, "port", 8443))


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.catalogue import add_opportunities
    from bot.transfer import read_opportunities

    store = open_store(settings)
    rejected = 0
    try:
        for name in args.files:
            try:
                reading = read_opportunities(name)
            except UnreadableFile as e:
                print(f"getinvolved: {e}", file=sys.stderr)
                rejected += 1
                continue
            for field in sorted(reading.unknown_fields):
                print(f"{name}: ignored the unknown field {field!r}", file=sys.stderr)
            for err in reading.errors:
                print(f"{name}: line {err.line}: {err.reason}", file=sys.stderr)
            new, updated = add_opportunities(store, reading.opportunities)
            rejected += len(reading.errors)
            print(f"{name}: {len(new)} added, {len(updated)} updated, {len(reading.errors)} rejected")
    finally:
        store.close()
    return 1 if rejected else 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.transfer import write_csv, write_jsonl

    store = open_store(settings)
    try:
        writer = write_csv if args.format == "csv" else write_jsonl
        writer(store.iter_opportunities(), sys.stdout)
    finally:
        store.close()
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from bot.matching import Matcher

    text = " ".join(args.text).strip()
    if args.queries and text:
        raise CommandError("Give either a query or --queries FILE, not both.")
    if not args.queries and not text:
        raise CommandError("Say what to search for, for example: getinvolved search \"dog walking\".")
    store = open_store(settings)
    try:
        matcher = Matcher.from_store(store)
    finally:
        store.close()
    options = dict(radius_km=args.radius_km, limit=args.limit, today=args.as_of)
    if args.queries:
        return _search_batch(matcher, Path(args.queries), options, args)
    if args.postcode:
        from bot.places import default_gazetteer, parse_postcode
        default_gazetteer().locate(parse_postcode(args.postcode))
    matches = matcher.search(text, postcode=args.postcode, **options)
    _print_results(None, text, matches, args.json)
    return 0


def _search_batch(matcher: Any, path: Path, options: dict[str, Any], args: argparse.Namespace) -> int:
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except (FileNotFoundError, IsADirectoryError):
        raise CommandError(f"There is no queries file at {path}.") from None
    failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        query = _parse_query_line(line)
        if isinstance(query, str):
            print(f"{path}: line {number}: {query}", file=sys.stderr)
            failed += 1
            continue
        postcode = query.get("postcode") or None
        try:
            matches = matcher.search(query["text"], postcode=postcode, **options)
        except (InvalidPostcode, UnknownPostcode) as e:
            print(f"{path}: line {number}: {e} Searching without a place.", file=sys.stderr)
            matches = matcher.search(query["text"], **options)
        _print_results(query.get("qid"), query["text"], matches, args.json)
    return 1 if failed else 0


def _parse_query_line(line: str) -> dict[str, Any] | str:
    """A query object, or the reason the line is not one."""
    try:
        query = json.loads(line)
    except json.JSONDecodeError as e:
        return f"not valid JSON ({e.msg})"
    if not isinstance(query, dict) or not isinstance(query.get("text"), str):
        return 'each line must be an object with a "text" string'
    if query.get("postcode") is not None and not isinstance(query["postcode"], str):
        return "postcode must be a string or null"
    return query


def _print_results(qid: Any, text: str, matches: list[Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps({"qid": qid, "query": text, "results": [
            {"id": m.opportunity.id, "title": m.opportunity.title, "organisation": m.opportunity.organisation,
             "score": round(m.score, 4),
             "distance_km": None if m.distance_km is None else round(m.distance_km, 2),
             "url": m.opportunity.url} for m in matches]}, ensure_ascii=False))
        return
    if not matches:
        print("No matches found. Try other words, or a wider --radius-km.")
        return
    for rank, m in enumerate(matches, start=1):
        opp = m.opportunity
        print(f"{rank}. {opp.title}" + (f" ({opp.organisation})" if opp.organisation else ""))
        if why := m.why():
            print(f"   {why}")
        if opp.url:
            print(f"   {opp.url}")


def cmd_scrape(args: argparse.Namespace, settings: Settings) -> int:
    from scrapers.run import scrape_command

    return scrape_command(settings, sources_file=args.sources, names=args.source, as_json=args.json)


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from scrapers.run import sources_command

    return sources_command(settings, sources_file=args.sources, as_json=args.json)


def cmd_broadcast(args: argparse.Namespace, settings: Settings) -> int:
    from bot.broadcast import broadcast_command

    return broadcast_command(settings, args.id, dry_run=args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
