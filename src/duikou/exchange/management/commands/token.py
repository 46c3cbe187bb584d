from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from duikou.core.api_auth import issue_token, revoke_token
from duikou.core.commands import DuikouCommand, UserError


class Command(DuikouCommand):
    help = "接口令牌：create 生成新令牌（只显示一次），revoke 作废 / API tokens: create prints a new one once, revoke"
    example = (
        "duikou token create office --scope write --days 30  →  "
        "curl -H 'Authorization: Bearer dk_…' http://127.0.0.1:8000/api/plans/"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"], help="create 生成 / revoke 作废")
        parser.add_argument("username", help="用户名 / username")
        parser.add_argument(
            "--scope",
            choices=["read", "write"],
            default="read",
            help="create：范围，默认只读 / scope, read by default",
        )
        parser.add_argument(
            "--days", type=int, default=None, help="create：有效天数（默认 90）/ days valid (90)"
        )

    def run(self, *args, action, username, scope="read", days=None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise UserError(_("用户 %(name)s 不存在") % {"name": username})
        if not user.is_active:
            raise UserError(_("用户 %(name)s 已停用，不能生成令牌") % {"name": username})
        if action == "revoke":
            revoke_token(user=user)
            return f"token of {username} revoked", {"user": username, "revoked": True}
        try:
            token = issue_token(user=user, scope=scope, days=days)
        except ValueError as exc:
            raise UserError(f"--days：{exc}") from exc
        self.stderr.write(_("请妥善保存，令牌只显示这一次 / keep it safe: it is shown only once"))
        return token, {"user": username, "token": token}
