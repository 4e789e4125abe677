from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .selectors import find_user_by_login


class UsernameOrPhoneBackend(ModelBackend):
    """Authenticate with a username or an 11-digit phone number. Lockout is enforced by the login service."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user_by_login(username)
        if user is None:
            # Run the hasher anyway so that an unknown name takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
