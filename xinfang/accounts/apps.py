from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinfang.accounts"
    label = "accounts"
    verbose_name = "账号"
