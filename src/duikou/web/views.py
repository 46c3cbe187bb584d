from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from duikou.plans.models import Plan


@login_required
def home(request):
    plans = Plan.objects.restrict(request.user).select_related("program").order_by("-issued_on")[:50]
    return render(request, "web/home.html", {"plans": plans})
