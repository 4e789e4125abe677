from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from xieshang.core import fragments, generations

from .selectors import find_user_by_login

# Every write of the user table (a sign-in's last_login, a password, a flag, a bulk update) moves this generation
# (core.generations.watch, accounts.invalidation): a kept user is never read after his row was written.
USERS_GENERATION = "accounts:users"
KEPT_SECONDS = 300


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

    def get_user(self, user_id):
        """The signed-in user of a request, kept in the shared cache until his row (or his grants) is written: a page
        asks the database nothing to know who asks. Django then checks the session's hash against his password, and
        an inactive user is None, as before (ModelBackend.get_user, on the primary)."""
        return fragments.value(
            f"accounts:user:{user_id}",
            lambda: super(UsernameOrPhoneBackend, self).get_user(user_id),
            generations=(USERS_GENERATION, generations.for_user(user_id)),
            seconds=KEPT_SECONDS,
        )


class AdminModuleBackend:
    """Django's admin shows an app when the user "has module perms" for it; django-rules answers that only for a
    rule named after the app, which none of ours are. Here an app is open to a user who may view, add, change or
    delete one of its models (the per-model rules of each app's rules.py): the admin index then lists what the
    administrator's duty covers and nothing else."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        return False

    def has_module_perms(self, user, app_label):
        import rules
        from django.apps import apps

        if not user.is_active:
            return False
        try:
            models = apps.get_app_config(app_label).get_models()
        except LookupError:
            return False
        return any(
            rules.has_perm(f"{app_label}.{action}_{model._meta.model_name}", user)
            for model in models
            for action in ("view", "change", "add", "delete")
        )
