from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render

from .models import Commitment, Theme


@login_required
def home(request):
    """The five promises and their "We will…" commitments."""
    themes = Theme.objects.prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position"))
    )
    return render(request, "actions/home.html", {"themes": themes})
