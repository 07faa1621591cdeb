"""Rebuild the similarity index of every existing case, in chunks of bulk writes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.early_warnings import services
from xinfang.petitions.models import Petition


class Command(BaseCommand):
    help = "Rebuild the similarity index (MinHash signatures and LSH bands) of all cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=1000)

    def handle(self, *args: Any, chunk: int, **options: Any) -> None:
        petitions = (
            Petition.objects.only("pk", "title", "content", "community", "address", "registered_at")
            .order_by("pk")
            .iterator(chunk_size=chunk)
        )
        done = services.signature_rebuild(petitions=petitions, chunk=chunk)
        self.stdout.write(f"indexed {done} cases")
