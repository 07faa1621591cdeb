"""Simplified Chinese: the date of an official document (GB/T 9704), 2026年3月2日; a month, 2026年3月."""

DATE_FORMAT = "Y年n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
