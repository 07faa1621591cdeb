import datetime as dt

import pytest
import time_machine

from xinfang.common import clock
from xinfang.common.errors import ValidationFailed
from xinfang.notifications.models import Notification
from xinfang.petitions.models import Petition
from xinfang.portal import services
from xinfang.portal.models import OneTimeCode
from xinfang.portal.tests.conftest import PHONE
from xinfang.portal.throttle import RateLimited

pytestmark = pytest.mark.django_db


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_sent_by_sms_and_only_its_hash_is_kept(send_code):
    code = send_code()
    row = OneTimeCode.objects.get()
    assert len(row.code_hash) == 64 and row.code_hash != code
    note = Notification.objects.get(purpose="otp")
    assert note.to == PHONE and note.text == ""  # the secret is blanked once sent


def test_the_right_code_is_accepted_once(send_code):
    code = send_code()
    services.otp_verify(phone=PHONE, code=code)
    with pytest.raises(ValidationFailed, match="已使用过"):
        services.otp_verify(phone=PHONE, code=code)


def test_an_expired_code_is_refused(send_code):
    code = send_code()
    later = clock.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later), pytest.raises(ValidationFailed, match="已过期"):
        services.otp_verify(phone=PHONE, code=code)


def test_a_fresh_code_voids_the_last(send_code):
    first = send_code()
    second = send_code()
    if first == second:
        pytest.skip("the two random codes happened to be equal")
    with pytest.raises(ValidationFailed, match="不正确"):
        services.otp_verify(phone=PHONE, code=first)
    services.otp_verify(phone=PHONE, code=second)


def test_wrong_tries_are_counted_and_burn_the_code(send_code, settings):
    code = send_code()
    for left in range(settings.XINFANG_OTP_MAX_ATTEMPTS - 1, 0, -1):
        with pytest.raises(ValidationFailed, match=f"还可以再试{left}次"):
            services.otp_verify(phone=PHONE, code=_wrong(code))
    with pytest.raises(ValidationFailed, match="错误次数过多"):
        services.otp_verify(phone=PHONE, code=_wrong(code))
    with pytest.raises(ValidationFailed, match="已失效"):
        services.otp_verify(phone=PHONE, code=code)


def test_a_code_never_asked_for_is_refused():
    with pytest.raises(ValidationFailed, match="请先获取"):
        services.otp_verify(phone=PHONE, code="123456")


def test_more_codes_than_the_hourly_number_are_refused_until_the_hour_is_over(send_code, settings):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.XINFANG_OTP_PER_HOUR):
            send_code()
        with pytest.raises(RateLimited) as refused:
            send_code()
    assert 3590 <= refused.value.retry_after <= 3601
    with time_machine.travel(start + dt.timedelta(hours=1, seconds=1), tick=False):
        services.otp_verify(phone=PHONE, code=send_code())


def _online(**overrides):
    fields = {
        "name": "李四",
        "id_number": "11010519491231002X",
        "phone": PHONE,
        "title": "小区门口道路破损",
        "content": "北门道路破损，雨天积水，请求修复。",
    }
    return services.OnlinePetition(**(fields | overrides))


@pytest.mark.django_db(transaction=True)
def test_a_registration_refused_after_the_code_leaves_the_code_unspent(street, send_code):
    code = send_code()
    with pytest.raises(ValidationFailed, match="问题分类不存在"):
        services.online_petition_submit(data=_online(category_id=999_999), otp=code)
    assert OneTimeCode.objects.get().used_at is None
    petition = services.online_petition_submit(data=_online(), otp=code)
    assert petition.query_code
    assert OneTimeCode.objects.get().used_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_wrong_code_at_submission_is_counted_though_the_submission_is_refused(street, send_code):
    code = send_code()
    with pytest.raises(ValidationFailed, match="不正确"):
        services.online_petition_submit(data=_online(), otp=_wrong(code))
    assert OneTimeCode.objects.get().attempts == 1
    assert not Petition.objects.exists()
