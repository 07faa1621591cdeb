from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinfang.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from xinfang.accounts import receivers  # noqa: F401  (connects the login audit)
