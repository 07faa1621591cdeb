"""English: the date of a letter, the month in full (March 2, 2026)."""

DATE_FORMAT = "F j, Y"
