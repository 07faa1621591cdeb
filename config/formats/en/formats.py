"""English: the date of a letter, the month in full (March 2, 2026); a month (March 2026)."""

DATE_FORMAT = "F j, Y"
YEAR_MONTH_FORMAT = "F Y"
