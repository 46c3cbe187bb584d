"""Receipt pages: the donor side records money sent, the supported side confirms what arrived; both see flags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.dates import today_for
from duikou.core.models import StaleEditError

from . import services
from .forms import CorrectionForm, DisbursementForm, ReceiptForm
from .models import Transaction


def _form_errors(request, form):
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


@login_required
def transaction_list(request, form=None, status_code=200):
    """Money in and out for the user's side, disagreements first."""
    txns = Transaction.objects.restrict(request.user).select_related(
        "payer", "payee", "funding_line", "project"
    )
    if request.GET.get("flagged") == "1":
        txns = txns.filter(receipt_status=Transaction.DISPUTED)
    page = Paginator(txns.order_by("-date", "-id"), 50).get_page(request.GET.get("page"))
    user = request.user
    rows = []
    for t in page:
        rows.append(
            {
                "t": t,
                "problems": services.disagreements(t),
                "can_confirm": workflow.can(user, "funds.confirm_receipt", t),
                "can_correct": workflow.can(user, "funds.correct", t),
                "today": today_for().isoformat(),
            }
        )
    can_record = workflow.may(user, "funds.record")
    return render(
        request,
        "funds/receipts.html",
        {
            "page": page,
            "rows": rows,
            "flagged_count": services.flagged(user).count(),
            "form": (form or DisbursementForm(user=user)) if can_record else None,
        },
        status=status_code,
    )


@login_required
@require_POST
def record(request):
    if not workflow.may(request.user, "funds.record"):
        raise PermissionDenied(_("只有支援方单位或对口办可以登记付款"))
    form = DisbursementForm(request.POST, user=request.user)
    if not form.is_valid():
        # Shown again with what was typed and the error beside its field.
        return transaction_list.__wrapped__(request, form=form, status_code=400)
    d = form.cleaned_data
    payer = (
        request.user.organization
        if not perms.is_office(request.user)
        else d["funding_line"].source_organization
    )
    if payer is None:
        messages.error(
            request, _("资金计划“%(l)s”没有出资单位，请先在资金计划中填写") % {"l": d["funding_line"]}
        )
        return redirect("funds_workflow:list")
    try:
        services.record_disbursement(
            user=request.user,
            payer=payer,
            payee=d["payee"],
            amount=d["amount"],
            date=d["date"],
            funding_line=d["funding_line"],
            description=d["description"],
        )
    except ValidationError as exc:
        for m in exc.messages:
            form.add_error(None, m)
        return transaction_list.__wrapped__(request, form=form, status_code=400)
    else:
        messages.success(request, _("已登记付款，等待收款方确认到账"))
    return redirect("funds_workflow:list")


@login_required
@require_POST
def confirm(request, pk):
    txn = get_object_or_404(
        Transaction.objects.restrict(request.user).select_related("payer", "payee"), pk=pk
    )
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("funds_workflow:list")
    d = form.cleaned_data
    try:
        txn = services.confirm_receipt(
            transaction_=txn,
            user=request.user,
            received_amount=d["received_amount"],
            received_on=d["received_on"],
            note=d["note"],
            version=d["version"],
        )
    except StaleEditError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        if txn.receipt_status == Transaction.DISPUTED:
            messages.warning(
                request, _("已确认，但与付款方记录不一致：") + "；".join(services.disagreements(txn))
            )
        else:
            messages.success(request, _("已确认到账"))
    return redirect("funds_workflow:list")


@login_required
@require_POST
def correct(request, pk):
    txn = get_object_or_404(
        Transaction.objects.restrict(request.user).select_related("payer", "payee"), pk=pk
    )
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("funds_workflow:list")
    d = form.cleaned_data
    try:
        services.correct_disbursement(
            transaction_=txn, user=request.user, amount=d["amount"], date=d["date"], version=d["version"]
        )
    except StaleEditError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("付款记录已更正"))
    return redirect("funds_workflow:list")
