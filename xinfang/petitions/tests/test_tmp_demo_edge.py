import datetime as dt, io
import pytest, time_machine
from django.core.management import call_command
from django.utils import timezone
from xinfang.petitions.models import Petition

@pytest.mark.django_db
@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 40])
def test_small(n):
    call_command("demo", petitions=n, seed=n, stdout=io.StringIO())
    assert Petition.objects.count() == n

@pytest.mark.django_db
@pytest.mark.parametrize("when", ["2026-11-28 00:30", "2026-12-31 23:00", "2026-02-17 09:00"])
def test_early(when):
    with time_machine.travel(timezone.make_aware(dt.datetime.fromisoformat(when)), tick=True):
        call_command("demo", petitions=40, seed=5, stdout=io.StringIO())
        for p in Petition.objects.all():
            assert p.route_due == timezone.localdate(p.registered_at) + dt.timedelta(days=15)
            assert p.events.order_by("-at").first().at <= timezone.now()
