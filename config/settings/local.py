"""Settings for a developer's machine: `make run`. Debugging is on unless DJANGO_DEBUG says no."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
