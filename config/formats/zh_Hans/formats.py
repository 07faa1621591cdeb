"""Simplified Chinese: the date of an official document (GB/T 9704), 2026年3月2日."""

DATE_FORMAT = "Y年n月j日"
