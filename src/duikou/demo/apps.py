from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "duikou.demo"
    verbose_name = "演示数据"
