"""Parsers: a page in, opportunity records and onward links out, no I/O. See `registry`."""
from scrapers.parsers.base import Document, Link, ParseContext, ParseResult, Parser, Record
from scrapers.parsers.registry import UnknownParser, get_parser, is_parser, parser_names

__all__ = ["Document", "Link", "ParseContext", "ParseResult", "Parser", "Record", "UnknownParser", "get_parser",
           "is_parser", "parser_names"]
