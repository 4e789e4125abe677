from django.apps import AppConfig


class DemoConfig(AppConfig):
    """No models and no ready(): the domains do not know the demo exists."""

    name = "xieshang.demo"
    label = "demo"
