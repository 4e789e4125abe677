import rules

from .registry import may_moderate_any


@rules.predicate
def moderates_here(user, organization=None) -> bool:
    """Moderates at least one registered kind of writing in the organization."""
    return may_moderate_any(user, organization)


rules.add_perm("moderation.view_queue", moderates_here)
rules.add_perm("moderation.edit_blocklist", moderates_here)
