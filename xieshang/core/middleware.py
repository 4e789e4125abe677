from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Chinese first: the language is the user's choice (cookie, then profile), never guessed from the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supported = {code for code, _ in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header on every response: the platform uses no camera, microphone, location,
    payment or USB, so every such browser feature is switched off for it and for anything it embeds
    (settings.XIESHANG_PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "XIESHANG_PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
