from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from .main import api


@csrf_exempt  # answers every method with 404 and changes nothing
def not_found(request, *args, **kwargs):
    """A path under /api/ that names no operation (or a malformed id, e.g. /api/proposals/abc): the API's JSON 404,
    not the site's HTML page."""
    return JsonResponse({"detail": "Not Found", "code": "not_found"}, status=404)


urlpatterns = [path("", api.urls), re_path(r"^", not_found)]
