"""Scrapers: fetch "get involved" pages politely (`scrapers.http`) and turn them into opportunities."""
