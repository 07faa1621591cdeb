"""The demo street and its two years of cases, written through the real services.

The top layer: it may import every app below it, so it can seed each of them; nothing
imports it but its command and bench/.
"""
