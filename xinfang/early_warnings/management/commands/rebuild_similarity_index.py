"""Rebuild the similarity index of every existing case, in chunks of bulk writes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Exists, OuterRef

from xinfang.early_warnings import services
from xinfang.early_warnings.models import TextSignature
from xinfang.petitions.models import Petition


class Command(BaseCommand):
    help = "Rebuild the similarity index (MinHash signatures and LSH bands) of all cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=1000)
        parser.add_argument(
            "--missing",
            action="store_true",
            help="index only the cases the index lacks (after a migration or a bulk load)",
        )

    def handle(self, *args: Any, chunk: int, missing: bool, **options: Any) -> None:
        cases = Petition.objects.all()
        if missing:
            indexed = TextSignature.objects.filter(petition_id=OuterRef("pk"))
            cases = cases.filter(~Exists(indexed))
        petitions = (
            cases.only(
                "pk", "title", "content", "community", "address", "registered_at", "owner_unit"
            )
            .order_by("pk")
            .iterator(chunk_size=chunk)
        )
        done = services.signature_rebuild(petitions=petitions, chunk=chunk)
        self.stdout.write(f"indexed {done} cases")
