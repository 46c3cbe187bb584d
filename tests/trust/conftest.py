def lock_out(username: str, address: str = "10.0.0.1"):
    """Lock `username` out from `address` the way axes records it after the failure limit."""
    from axes.models import AccessAttempt
    from django.conf import settings

    AccessAttempt.objects.update_or_create(
        username=username,
        ip_address=address,
        user_agent="",
        defaults={
            "http_accept": "",
            "path_info": "/accounts/login/",
            "get_data": "",
            "post_data": "",
            "failures_since_start": settings.AXES_FAILURE_LIMIT,
        },
    )


def is_locked(username: str) -> bool:
    from duikou.accounts.services import locked_usernames

    return username in locked_usernames()


from permissions.world import world  # noqa: E402, F401  the shared two-unit world fixture
