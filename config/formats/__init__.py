"""The project's own date formats per language, ahead of Django's (FORMAT_MODULE_PATH).

A notice prints its dates with `date:"DATE_FORMAT"`, so an English notice reads
"March 2, 2026" and a Chinese one 2026年3月2日; pinned here, not left to Django's defaults.
"""
